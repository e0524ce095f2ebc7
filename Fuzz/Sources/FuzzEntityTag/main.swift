import TernHTTP

/// An If-Match/If-None-Match list and a single tag: what parses round-trips.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEntityTag(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let condition = EntityTagCondition(fieldValues: [text])
    if condition != .tags([]) {
        precondition(EntityTagCondition(fieldValues: [condition.description]) == condition, "list round trip")
    }
    if let tag = EntityTag(parsing: text) {
        precondition(EntityTag(parsing: tag.description) == tag, "tag round trip")
        precondition(tag.matchesWeakly(tag) && tag.matchesStrongly(tag) == !tag.isWeak)
    }
    return 0
}

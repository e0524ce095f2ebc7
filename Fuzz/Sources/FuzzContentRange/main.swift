import TernHTTP

/// A Content-Range value: what parses round-trips.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContentRange(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    if let range = ContentRange(text) {
        precondition(ContentRange(range.description) == range, "round trip")
    }
    return 0
}

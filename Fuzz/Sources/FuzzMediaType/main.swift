import TernHTTP

/// A media type: what parses round-trips and covers itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMediaType(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    if let type = MediaType(text) {
        precondition(MediaType(type.description) == type, "round trip")
        precondition(type.covers(type))
    }
    return 0
}

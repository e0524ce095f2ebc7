import TernHTTP

/// Parses the input as an HTTP date; whatever parses must format and parse back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPDate(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    if let date = HTTPDate(text, currentYear: 2026) {
        precondition(HTTPDate(date.description, currentYear: 2026) == date, "format/parse round trip")
    }
    return 0
}

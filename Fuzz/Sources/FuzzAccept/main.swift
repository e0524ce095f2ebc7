import TernHTTP

/// An Accept value: its normal form is stable, and the best match is acceptable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAccept(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let accept = Accept(text)
    precondition(Accept(accept.description) == accept, "normal form round trip")
    if let best = accept.bestMatch(in: [.json, .xml, .csv, .html]) {
        precondition(accept.quality(of: best) > .zero)
    }
    return 0
}

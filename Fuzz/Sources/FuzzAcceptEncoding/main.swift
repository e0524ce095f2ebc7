import TernHTTP

/// An Accept-Encoding value: its normal form is stable, and the best match is acceptable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAcceptEncoding(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let encoding = AcceptEncoding(text)
    precondition(AcceptEncoding(encoding.description) == encoding, "normal form round trip")
    if let best = encoding.bestMatch(in: ["gzip", "identity"]) {
        precondition(encoding.quality(of: best) > .zero)
    }
    return 0
}

import TernHTTP

/// A Cache-Control value: its normal form is stable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCacheControl(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let value = CacheControl(text)
    precondition(CacheControl(value.description) == value, "normal form round trip")
    return 0
}

import TernHTTP

/// A Range value: what parses round-trips, and its resolution against a size the input
/// chooses stays inside the representation, disjoint and within the range limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzByteRange(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard count >= 2 else { return 0 }
    let size = Int64(bytes[0]) << Int64(bytes[1] % 40)
    let text = String(decoding: bytes.dropFirst(2), as: UTF8.self)
    guard let request = ByteRangeRequest(text) else { return 0 }
    precondition(ByteRangeRequest(request.description) == request, "round trip")
    switch request.resolve(size: size, maxRanges: 16) {
    case .ranges(let ranges):
        precondition(!ranges.isEmpty && ranges.count <= 16)
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        for (index, range) in sorted.enumerated() {
            precondition(range.lowerBound >= 0 && range.upperBound < size, "inside the representation")
            if index > 0 { precondition(range.lowerBound > sorted[index - 1].upperBound + 1, "coalesced") }
        }
    case .unsatisfiable, .whole:
        break
    }
    return 0
}

/// What a range request comes to against a representation of known size.
public enum RangeResolution: Sendable, Hashable {
    /// Send the whole representation with 200: the ranges are too many, or add up to more
    /// than the representation (a server may ignore such a request, RFC 9110 section 14.2).
    case whole
    /// Send these ranges with 206: satisfiable, clamped to the size, overlapping and adjacent
    /// ones coalesced, in the order they were requested (RFC 9110 section 14.3).
    case ranges([ClosedRange<Int64>])
    /// 416 with `Content-Range: bytes */size`: no range overlaps the representation
    /// (RFC 9110 section 15.5.17).
    case unsatisfiable
}

extension ByteRangeRequest {
    /// Resolves the specs against `size` bytes (https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2).
    /// - Parameter maxRanges: more specs than this and the whole representation is sent.
    public func resolve(size: Int64, maxRanges: Int = 16) -> RangeResolution {
        guard specs.count <= maxRanges else { return .whole }
        var satisfiable: [ClosedRange<Int64>] = []
        satisfiable.reserveCapacity(specs.count)
        var total: Int64 = 0
        for spec in specs {
            guard let range = Self.clamp(spec, size: size) else { continue }
            satisfiable.append(range)
            total += range.upperBound - range.lowerBound + 1
            if total > size { return .whole }
        }
        guard !satisfiable.isEmpty else { return .unsatisfiable }
        return .ranges(Self.coalesce(satisfiable))
    }

    /// The bytes of `spec` within `size`, or nil when it is unsatisfiable.
    static func clamp(_ spec: ByteRangeSpec, size: Int64) -> ClosedRange<Int64>? {
        switch spec {
        case .from(let first, let last):
            guard first < size else { return nil }
            return first...min(last ?? size - 1, size - 1)
        case .suffix(let length):
            guard length > 0, size > 0 else { return nil }
            return max(0, size - length)...(size - 1)
        }
    }

    /// Merges overlapping and adjacent ranges; each merged range takes the place of its
    /// earliest-requested member.
    static func coalesce(_ ranges: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        // Nearly every range request asks for one range: nothing to merge.
        if ranges.count < 2 { return ranges }
        let byStart = ranges.indices.sorted { ranges[$0].lowerBound < ranges[$1].lowerBound }
        var merged: [(range: ClosedRange<Int64>, firstRequested: Int)] = []
        for index in byStart {
            let range = ranges[index]
            if let last = merged.last, range.lowerBound <= last.range.upperBound + 1 {
                merged[merged.count - 1] = (
                    last.range.lowerBound...max(last.range.upperBound, range.upperBound), min(last.firstRequested, index)
                )
            } else {
                merged.append((range, index))
            }
        }
        return merged.sorted { $0.firstRequested < $1.firstRequested }.map(\.range)
    }
}

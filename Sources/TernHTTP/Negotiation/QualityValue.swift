/// A weight from 0 to 1 with at most three decimals, kept in thousandths
/// (https://www.rfc-editor.org/rfc/rfc9110#section-12.4.2).
public struct QualityValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 0...1000.
    public let thousandths: Int

    /// A weight of `thousandths` / 1000.
    /// - Precondition: `thousandths` is 0...1000.
    public init(thousandths: Int) {
        precondition((0...1000).contains(thousandths), "a quality value is between 0 and 1")
        self.thousandths = thousandths
    }

    /// `q=1`, the default weight.
    public static let one = QualityValue(thousandths: 1000)
    /// `q=0`: not acceptable.
    public static let zero = QualityValue(thousandths: 0)

    /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var value = Int(first - UInt8(ascii: "0")) * 1000
        if bytes.count > 1 {
            guard bytes[1] == UInt8(ascii: "."), bytes.count <= 5 else { return nil }
            var scale = 100
            for digit in bytes[2...] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
                value += Int(digit - UInt8(ascii: "0")) * scale
                scale /= 10
            }
        }
        guard value <= 1000 else { return nil }
        thousandths = value
    }

    public static func < (lhs: QualityValue, rhs: QualityValue) -> Bool {
        lhs.thousandths < rhs.thousandths
    }

    /// The shortest form: `1`, `0`, `0.5`, `0.25`, `0.125`.
    public var description: String {
        if thousandths == 1000 { return "1" }
        if thousandths == 0 { return "0" }
        var digits = String(thousandths)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "0." + digits
    }

    /// The candidate of highest quality above zero; among equals, the first (the server's
    /// preference). Nil when none is acceptable.
    static func best<Candidate>(of candidates: [Candidate], quality: (Candidate) -> QualityValue) -> Candidate? {
        var best: (candidate: Candidate, quality: QualityValue)?
        for candidate in candidates {
            let weight = quality(candidate)
            if weight > .zero, weight > best?.quality ?? .zero { best = (candidate, weight) }
        }
        return best?.candidate
    }

    /// Scans `OWS ";" OWS "q=" qvalue` if it is next; `.one` when no weight follows, nil when a
    /// malformed one does. Any parameters after the weight (RFC 7231's accept-ext) are skipped.
    static func scanWeight(_ scanner: inout HeaderScanner) -> QualityValue? {
        let before = scanner.index
        scanner.skipWhitespace()
        guard scanner.take(UInt8(ascii: ";")) else {
            scanner.index = before
            return .one
        }
        scanner.skipWhitespace()
        guard let name = scanner.token(), name.lowercased() == "q", scanner.take(UInt8(ascii: "=")),
            let text = scanner.token(), let weight = QualityValue(text)
        else { return nil }
        while true {
            let mark = scanner.index
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ";")) else {
                scanner.index = mark
                return weight
            }
            scanner.skipWhitespace()
            guard scanner.token() != nil else { return nil }
            if scanner.take(UInt8(ascii: "=")), scanner.tokenOrQuotedString() == nil { return nil }
        }
    }
}

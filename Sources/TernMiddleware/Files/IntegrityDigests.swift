import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import HTTPTypes
import RawStructuredFieldValues

extension HTTPField.Name {
    /// `Content-Digest` (https://www.rfc-editor.org/rfc/rfc9530#section-2): digests of the
    /// message's content, which a server checks before it keeps an upload.
    public static let contentDigest = HTTPField.Name("Content-Digest")!
    /// `Repr-Digest` (https://www.rfc-editor.org/rfc/rfc9530#section-3): digests of the
    /// selected representation.
    public static let reprDigest = HTTPField.Name("Repr-Digest")!
    /// `Want-Repr-Digest` (https://www.rfc-editor.org/rfc/rfc9530#section-4): the algorithms
    /// a client would like `Repr-Digest` in, with preferences.
    public static let wantReprDigest = HTTPField.Name("Want-Repr-Digest")!
}

/// A hash algorithm of the registry RFC 9530 section 5 sets up, of those this server computes.
public enum DigestAlgorithm: String, Sendable, Hashable, CaseIterable {
    case sha256 = "sha-256"
    case sha512 = "sha-512"
}

/// Digests of a content or representation, as `Content-Digest` and `Repr-Digest` carry them
/// (https://www.rfc-editor.org/rfc/rfc9530#section-2): a structured-field dictionary of
/// algorithm keys and byte-sequence values, `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
public struct IntegrityDigests: Sendable, Hashable {
    /// The digest bytes by algorithm.
    public var values: [DigestAlgorithm: [UInt8]]

    /// Digests as given.
    public init(_ values: [DigestAlgorithm: [UInt8]]) {
        self.values = values
    }

    /// Parses a field value; algorithms not computed here are skipped (a recipient may ignore
    /// any digest, section 2). Nil when the value is not a dictionary of byte sequences.
    public init?(fieldValue: String) {
        var parser = StructuredFieldValueParser(Array(fieldValue.utf8))
        guard let dictionary = try? parser.parseDictionaryFieldValue() else { return nil }
        var values: [DigestAlgorithm: [UInt8]] = [:]
        for (key, member) in dictionary {
            guard case .item(let item) = member, case .undecodedByteSequence(let encoded) = item.rfc9651BareItem,
                let bytes = Data(base64Encoded: encoded)
            else { return nil }
            if let algorithm = DigestAlgorithm(rawValue: key) { values[algorithm] = Array(bytes) }
        }
        self.values = values
    }

    /// The field value, algorithms in a fixed order.
    public var fieldValue: String {
        DigestAlgorithm.allCases.compactMap { algorithm in
            values[algorithm].map { "\(algorithm.rawValue)=:\(Data($0).base64EncodedString()):" }
        }.joined(separator: ", ")
    }

    /// The algorithm a `Want-Content-Digest` or `Want-Repr-Digest` value prefers among those
    /// computed here (section 4: integer preferences 0 to 10, 0 meaning "not acceptable");
    /// nil when it names none of them, or is malformed.
    public static func preferredAlgorithm(in wantFieldValue: String) -> DigestAlgorithm? {
        var parser = StructuredFieldValueParser(Array(wantFieldValue.utf8))
        guard let dictionary = try? parser.parseDictionaryFieldValue() else { return nil }
        var best: (algorithm: DigestAlgorithm, preference: Int64)?
        for (key, member) in dictionary {
            guard let algorithm = DigestAlgorithm(rawValue: key), case .item(let item) = member,
                case .integer(let preference) = item.rfc9651BareItem, (1...10).contains(preference)
            else { continue }
            if preference > best?.preference ?? 0 { best = (algorithm, preference) }
        }
        return best?.algorithm
    }
}

/// Hashes content as it passes, for the algorithms asked.
struct RunningDigests {
    private var sha256: SHA256?
    private var sha512: SHA512?

    init(_ algorithms: Set<DigestAlgorithm>) {
        sha256 = algorithms.contains(.sha256) ? SHA256() : nil
        sha512 = algorithms.contains(.sha512) ? SHA512() : nil
    }

    mutating func update(_ bytes: [UInt8]) {
        sha256?.update(data: bytes)
        sha512?.update(data: bytes)
    }

    func finalize() -> IntegrityDigests {
        var values: [DigestAlgorithm: [UInt8]] = [:]
        if let sha256 { values[.sha256] = Array(sha256.finalize()) }
        if let sha512 { values[.sha512] = Array(sha512.finalize()) }
        return IntegrityDigests(values)
    }
}

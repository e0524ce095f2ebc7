import HTTPTypes

/// `method SP request-target SP HTTP-version` (https://www.rfc-editor.org/rfc/rfc9112#section-3),
/// single spaces, nothing else.
struct RequestLine {
    var method: HTTPRequest.Method = .get
    /// The authority of an absolute-form target, which replaces `Host` (RFC 9112 section 3.2.2).
    var targetAuthority: String?
    /// The origin-form path and query, or `*`.
    var path: String = "/"
    var minorVersion = 1

    mutating func parse(_ line: ArraySlice<UInt8>, limits: HTTP1Limits) throws(HTTP1ParseError) {
        let space = UInt8(ascii: " ")
        guard let firstSpace = line.firstIndex(of: space) else { throw .bad("malformed request line") }
        let methodBytes = line[line.startIndex..<firstSpace]
        guard let method = Self.method(methodBytes) else { throw .bad("invalid method") }
        let afterMethod = line[(firstSpace + 1)...]
        guard let secondSpace = afterMethod.firstIndex(of: space) else { throw .bad("malformed request line") }
        let target = line[(firstSpace + 1)..<secondSpace]
        if target.count > limits.maxTargetLength { throw HTTP1ParseError(.uriTooLong, "request target too long") }
        minorVersion = try Self.version(line[(secondSpace + 1)...])
        self.method = method
        try parseTarget(target)
    }

    /// The methods of most requests, prebuilt (case-sensitive, RFC 9110 section 9.1).
    private static let commonMethods: [(spelling: [UInt8], method: HTTPRequest.Method)] = [
        HTTPRequest.Method.get, .head, .post, .put, .delete, .patch, .options,
    ].map { (Array($0.rawValue.utf8), $0) }

    /// A method token (https://www.rfc-editor.org/rfc/rfc9110#section-9).
    private static func method(_ bytes: ArraySlice<UInt8>) -> HTTPRequest.Method? {
        for common in commonMethods where common.spelling.elementsEqual(bytes) { return common.method }
        guard !bytes.isEmpty, bytes.allSatisfy({ ByteClass.token[Int($0)] }) else { return nil }
        return HTTPRequest.Method(String(decoding: bytes, as: UTF8.self))
    }

    /// `HTTP/1.x`: x, answered as 1.1 when above 1; another major version is 505.
    private static func version(_ bytes: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Int {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let start = bytes.startIndex
        guard bytes.count == 8, bytes[start] == UInt8(ascii: "H"), bytes[start + 1] == UInt8(ascii: "T"),
            bytes[start + 2] == UInt8(ascii: "T"), bytes[start + 3] == UInt8(ascii: "P"),
            bytes[start + 4] == UInt8(ascii: "/"),
            digits.contains(bytes[start + 5]), bytes[start + 6] == UInt8(ascii: "."),
            digits.contains(bytes[start + 7])
        else { throw .bad("malformed HTTP version") }
        guard bytes[start + 5] == UInt8(ascii: "1") else {
            throw HTTP1ParseError(.httpVersionNotSupported, "only HTTP/1.x is supported")
        }
        return min(Int(bytes[start + 7] - UInt8(ascii: "0")), 1)
    }

    /// origin-form, absolute-form (http and https only, no userinfo), asterisk-form for
    /// OPTIONS; authority-form belongs to CONNECT, which this server does not implement.
    private mutating func parseTarget(_ target: ArraySlice<UInt8>) throws(HTTP1ParseError) {
        guard !target.isEmpty else { throw .bad("empty request target") }
        var index = target.startIndex
        let allowed = ByteClass.target  // read once: each read of a global checks its initialization
        while index < target.endIndex {
            let byte = target[index]
            guard allowed[Int(byte)] else {
                throw .bad("invalid character in request target")
            }
            if byte == UInt8(ascii: "%") {
                guard index + 2 < target.endIndex, ByteClass.isHexDigit(target[index + 1]),
                    ByteClass.isHexDigit(target[index + 2])
                else { throw .bad("invalid percent-encoding in request target") }
            }
            index += 1
        }
        if method == .connect {
            throw HTTP1ParseError(.notImplemented, "CONNECT is not supported")
        }
        if target.first == UInt8(ascii: "/") {
            path = String(decoding: target, as: UTF8.self)
        } else if target.elementsEqual("*".utf8) {
            guard method == .options else { throw .bad("asterisk-form is for OPTIONS only") }
            path = "*"
        } else {
            try parseAbsoluteForm(target)
        }
    }

    private mutating func parseAbsoluteForm(_ target: ArraySlice<UInt8>) throws(HTTP1ParseError) {
        let text = String(decoding: target, as: UTF8.self)
        let lowered = text.lowercased()
        let schemeLength: Int
        if lowered.hasPrefix("http://") {
            schemeLength = 7
        } else if lowered.hasPrefix("https://") {
            schemeLength = 8
        } else {
            throw .bad("invalid request target")
        }
        let rest = target.dropFirst(schemeLength)
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        let authority = rest[rest.startIndex..<authorityEnd]
        guard !authority.isEmpty, authority.allSatisfy({ ByteClass.host[Int($0)] }) else {
            throw .bad("invalid authority in request target")
        }
        targetAuthority = String(decoding: authority, as: UTF8.self)
        let remainder = String(decoding: rest[authorityEnd...], as: UTF8.self)
        path = remainder.first == "/" ? remainder : "/" + remainder
    }
}

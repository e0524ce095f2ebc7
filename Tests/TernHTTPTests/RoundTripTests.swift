import Testing
import TernHTTP

/// parse(serialize(x)) == x over generated values. The generator is seeded, so a failure
/// names the seed that reproduces it.
@Suite("Round trips")
struct RoundTripTests {
    static let seeds: [UInt64] = [1, 2, 3, 42, 0xDEAD_BEEF]

    @Test(arguments: seeds)
    func entityTags(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let tag = EntityTag(random.string(from: Self.etagCharacters, maxLength: 20), weak: random.bool())
            #expect(EntityTag(parsing: tag.description) == tag)
            let list = EntityTagCondition.tags((0..<random.int(in: 1...4)).map { _ in
                EntityTag(random.string(from: Self.etagCharacters, maxLength: 8), weak: random.bool())
            })
            #expect(EntityTagCondition(fieldValues: [list.description]) == list)
        }
    }

    @Test(arguments: seeds)
    func byteRanges(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let specs: [ByteRangeSpec] = (0..<random.int(in: 1...5)).map { _ in
                let first = random.int64(below: 1 << 40)
                switch random.int(in: 0...2) {
                case 0: return .from(first: first, last: first + random.int64(below: 1 << 20))
                case 1: return .from(first: first, last: nil)
                default: return .suffix(length: random.int64(below: 1 << 40))
                }
            }
            let request = ByteRangeRequest(specs: specs)
            #expect(ByteRangeRequest(request.description) == request)
            let first = random.int64(below: 1 << 40)
            let contentRange = ContentRange.range(first...(first + random.int64(below: 1000)), size: random.bool() ? nil : first + 5000)
            #expect(ContentRange(contentRange.description) == contentRange)
        }
    }

    @Test(arguments: seeds)
    func mediaTypesAndAccept(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let type = random.mediaType(allowWildcards: false)
            #expect(MediaType(type.description) == type)
            let accept = Accept(elements: (0..<random.int(in: 1...5)).map { _ in
                Accept.Element(range: random.mediaType(allowWildcards: true), quality: QualityValue(thousandths: random.int(in: 0...1000)))
            })
            #expect(Accept(accept.description) == accept)
            let encodings = AcceptEncoding(elements: (0..<random.int(in: 1...4)).map { _ in
                AcceptEncoding.Element(coding: random.token(maxLength: 6), quality: QualityValue(thousandths: random.int(in: 0...1000)))
            })
            #expect(AcceptEncoding(encodings.description) == encodings)
        }
    }

    @Test(arguments: seeds)
    func cacheControl(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            var value = CacheControl()
            if random.bool() { value.maxAge = random.int(in: 0...1_000_000) }
            if random.bool() { value.sMaxAge = random.int(in: 0...1_000_000) }
            if random.bool() { value.minFresh = random.int(in: 0...1000) }
            if random.bool() { value.maxStale = random.bool() ? .any : .seconds(random.int(in: 0...1000)) }
            if random.bool() { value.noCache = random.bool() ? [] : [random.token(maxLength: 8).lowercased()] }
            if random.bool() { value.private = random.bool() ? [] : [random.token(maxLength: 8).lowercased(), random.token(maxLength: 8).lowercased()] }
            value.noStore = random.bool()
            value.noTransform = random.bool()
            value.onlyIfCached = random.bool()
            value.mustRevalidate = random.bool()
            value.mustUnderstand = random.bool()
            value.proxyRevalidate = random.bool()
            value.public = random.bool()
            if random.bool() {
                value.extensions = [.init(name: "x-" + random.token(maxLength: 6), value: random.bool() ? nil : random.string(from: Self.textCharacters, maxLength: 10))]
            }
            #expect(CacheControl(value.description) == value)
        }
    }

    @Test(arguments: seeds)
    func httpDates(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<2000 {
            let date = HTTPDate(secondsSince1970: random.int64(below: 253_402_300_799))  // up to 9999-12-31
            #expect(HTTPDate(date.description) == date)
        }
    }

    static let etagCharacters = Array("!#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~")
    static let textCharacters = Array("abc XYZ,;=\"\\!#-_.~")
}

/// Sebastiano Vigna's SplitMix64: small, fast, and the same sequence for the same seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bool() -> Bool { next() & 1 == 1 }
    mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func int64(below bound: Int64) -> Int64 { Int64.random(in: 0..<bound, using: &self) }

    mutating func string(from alphabet: [Character], maxLength: Int) -> String {
        String((0..<int(in: 0...maxLength)).map { _ in alphabet[int(in: 0...(alphabet.count - 1))] })
    }

    mutating func token(maxLength: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCZ0129!#$%&'+-.^_`|~")
        return String((0..<int(in: 1...maxLength)).map { _ in alphabet[int(in: 0...(alphabet.count - 1))] })
    }

    mutating func mediaType(allowWildcards: Bool) -> MediaType {
        let wildcard = allowWildcards ? int(in: 0...3) : 3
        let type = wildcard == 0 ? "*" : token(maxLength: 8).lowercased()
        let subtype = wildcard <= 1 ? "*" : token(maxLength: 8).lowercased()
        var parameters: [MediaType.Parameter] = []
        for _ in 0..<int(in: 0...2) {
            var name = token(maxLength: 6).lowercased()
            if name == "q" { name = "qq" }
            parameters.append(MediaType.Parameter(name: name, value: string(from: Array("abc XYZ;,=\"\\"), maxLength: 6)))
        }
        return MediaType(type: type, subtype: subtype, parameters: parameters)
    }
}

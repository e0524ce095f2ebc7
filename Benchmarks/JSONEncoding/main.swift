// JSON encoding of the demo's user object: does Foundation's JSONEncoder dominate a
// request's cost, and is there a faster correct alternative?
// Run, pinned to one core:
//   swiftc -O Benchmarks/JSONEncoding/main.swift -o /tmp/json-encoding && taskset -c 0 /tmp/json-encoding
// It compares a new JSONEncoder per request, a shared one, a minimal direct-writing Encoder
// (flat objects only), and RFC 3339 dates formatted by Foundation or by civil-date arithmetic.
import Foundation

struct User: Codable {
    let id: Int
    let name: String
    let email: String
    let created_at: Date
    let updated_at: Date
}

// A minimal direct-writing Encoder: objects in encode order, strings escaped per RFC 8259.
final class Sink { var bytes: [UInt8] = []; init() { bytes.reserveCapacity(256) } }
struct DirectEncoder: Encoder {
    let sink: Sink
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        sink.bytes.append(UInt8(ascii: "{"))
        return KeyedEncodingContainer(Keyed<Key>(sink: sink))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { preconditionFailure("the prototype encodes flat objects only") }
    func singleValueContainer() -> any SingleValueEncodingContainer { preconditionFailure("the prototype encodes flat objects only") }
}
final class Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: Sink; var first = true; var codingPath: [any CodingKey] = []
    init(sink: Sink) { self.sink = sink }
    deinit { sink.bytes.append(UInt8(ascii: "}")) }
    func key(_ key: Key) { if !first { sink.bytes.append(UInt8(ascii: ",")) }; first = false; string(key.stringValue); sink.bytes.append(UInt8(ascii: ":")) }
    func string(_ s: String) {
        sink.bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 { switch b { case UInt8(ascii: "\""): sink.bytes += [92, 34]; case 92: sink.bytes += [92, 92]; case 0..<0x20: sink.bytes += Array(String(format: "\\u%04x", b).utf8); default: sink.bytes.append(b) } }
        sink.bytes.append(UInt8(ascii: "\""))
    }
    func encodeNil(forKey key: Key) throws { self.key(key); sink.bytes += Array("null".utf8) }
    func encode(_ value: String, forKey key: Key) throws { self.key(key); string(value) }
    func encode(_ value: Int, forKey key: Key) throws { self.key(key); sink.bytes += Array(String(value).utf8) }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.key(key)
        if let date = value as? Date { string(date.formatted(.iso8601)); return }
        try value.encode(to: DirectEncoder(sink: sink))
    }
    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> { preconditionFailure("the prototype encodes flat objects only") }
    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { preconditionFailure("the prototype encodes flat objects only") }
    func superEncoder() -> any Encoder { preconditionFailure("the prototype encodes flat objects only") }
    func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("the prototype encodes flat objects only") }
}
func direct(_ user: User) throws -> [UInt8] { let sink = Sink(); do { try user.encode(to: DirectEncoder(sink: sink)) }; return sink.bytes }

func fresh() -> JSONEncoder { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]; e.dateEncodingStrategy = .iso8601; return e }
let user = User(id: 1, name: "Alice", email: "alice@example.com", created_at: Date(timeIntervalSince1970: 1_700_000_000), updated_at: Date(timeIntervalSince1970: 1_700_000_100))
let n = 200_000
func time(_ label: String, _ body: () throws -> Int) rethrows {
    let clock = ContinuousClock(); var total = 0
    let d = try clock.measure { total = try body() }
    let ns = Double(d.components.attoseconds) / 1e9 + Double(d.components.seconds) * 1e9
    print(label, String(format: "%.0f ns/encode", ns / Double(n)), total)
}
let shared = fresh()
print(String(decoding: try fresh().encode(user), as: UTF8.self)); print(String(decoding: try direct(user), as: UTF8.self))
for _ in 0..<2 {
    try time("new JSONEncoder per request") { var t = 0; for _ in 0..<n { t &+= try fresh().encode(user).count }; return t }
    try time("shared JSONEncoder          ") { var t = 0; for _ in 0..<n { t &+= try shared.encode(user).count }; return t }
    try time("direct Encoder (prototype)  ") { var t = 0; for _ in 0..<n { t &+= try direct(user).count }; return t }
}

// RFC 3339 UTC by civil-date arithmetic, no Foundation formatter.
func rfc3339(_ date: Date) -> String {
    let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
    let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
    let sod = Int(seconds - days * 86400)
    let z = days + 719_468, era = (z >= 0 ? z : z - 146_096) / 146_097, doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2 ? 1 : 0)
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(y)-\(two(Int(m)))-\(two(Int(d)))T\(two(sod / 3600)):\(two(sod / 60 % 60)):\(two(sod % 60))Z"
}
let fastDates = fresh(); fastDates.dateEncodingStrategy = .custom { date, encoder in var c = encoder.singleValueContainer(); try c.encode(rfc3339(date)) }
print(String(decoding: try fastDates.encode(user), as: UTF8.self))
for _ in 0..<2 {
    try time("shared JSONEncoder, civil-date RFC 3339") { var t = 0; for _ in 0..<n { t &+= try fastDates.encode(user).count }; return t }
    time("format the two dates alone (Foundation)") { var t = 0; for _ in 0..<n { t &+= user.created_at.formatted(.iso8601).utf8.count + user.updated_at.formatted(.iso8601).utf8.count }; return t }
    time("format the two dates alone (civil)     ") { var t = 0; for _ in 0..<n { t &+= rfc3339(user.created_at).utf8.count + rfc3339(user.updated_at).utf8.count }; return t }
}

/// RFC 3339 timestamps in UTC with whole seconds, `2026-11-21T22:45:05Z`
/// (https://www.rfc-editor.org/rfc/rfc3339#section-5.6), the form JSON bodies use.
package enum RFC3339 {
    /// Appends the timestamp of `seconds` since 1970 (fractions already dropped).
    /// - Precondition: the year is 0...9999, which RFC 3339 can express.
    package static func append(secondsSince1970 seconds: Int64, to out: inout [UInt8]) {
        append(secondsSince1970: seconds, milliseconds: nil, to: &out)
    }

    /// Appends the timestamp of `seconds` since 1970 and, when given, `milliseconds` (0...999)
    /// as a three-digit fraction: `2026-11-21T22:45:05.123Z`.
    /// - Precondition: the year is 0...9999, which RFC 3339 can express.
    package static func append(secondsSince1970 seconds: Int64, milliseconds: Int?, to out: inout [UInt8]) {
        put(secondsSince1970: seconds, milliseconds: milliseconds, into: &out)
    }

    static func put<Output: ByteOutput & ~Copyable>(secondsSince1970 seconds: Int64, milliseconds: Int?, into out: inout Output) {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = Int(seconds - days * 86400)
        let date = CivilDate(daysSince1970: days)
        precondition((0...9999).contains(date.year), "RFC 3339 years have four digits")
        FixedWidthText.append(count: milliseconds == nil ? 20 : 24, to: &out) { text in
            text.digits(Int(date.year), at: 0, count: 4)
            text.byte(UInt8(ascii: "-"), at: 4)
            text.digits(date.month, at: 5, count: 2)
            text.byte(UInt8(ascii: "-"), at: 7)
            text.digits(date.day, at: 8, count: 2)
            text.byte(UInt8(ascii: "T"), at: 10)
            text.time(secondOfDay: secondOfDay, at: 11)
            if let milliseconds {
                text.byte(UInt8(ascii: "."), at: 19)
                text.digits(milliseconds, at: 20, count: 3)
                text.byte(UInt8(ascii: "Z"), at: 23)
            } else {
                text.byte(UInt8(ascii: "Z"), at: 19)
            }
        }
    }
}

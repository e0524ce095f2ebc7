/// RFC 3339 timestamps in UTC with whole seconds, `2026-11-21T22:45:05Z`
/// (https://www.rfc-editor.org/rfc/rfc3339#section-5.6), the form JSON bodies use.
package enum RFC3339 {
    /// Appends the timestamp of `seconds` since 1970 (fractions already dropped).
    /// - Precondition: the year is 0...9999, which RFC 3339 can express.
    package static func append(secondsSince1970 seconds: Int64, to out: inout [UInt8]) {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = Int(seconds - days * 86400)
        let date = CivilDate(daysSince1970: days)
        precondition((0...9999).contains(date.year), "RFC 3339 years have four digits")
        digits(Int(date.year), 4, &out)
        out.append(UInt8(ascii: "-"))
        digits(date.month, 2, &out)
        out.append(UInt8(ascii: "-"))
        digits(date.day, 2, &out)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2, &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2, &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2, &out)
        out.append(UInt8(ascii: "Z"))
    }

    private static func digits(_ value: Int, _ count: Int, _ out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}

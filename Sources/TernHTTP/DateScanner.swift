/// Reads the three HTTP-date forms of https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7
/// byte by byte, exactly as the grammar spells them (case-sensitive names, single spaces).
struct DateScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parse(currentYear: Int64) -> HTTPDate? {
        if let dayName = word(), dayName.count == 3, HTTPDate.shortDayNames.contains(dayName) {
            if literal(",") {
                return imfFixdate()
            }
            return asctime()
        }
        index = 0
        if let dayName = word(), HTTPDate.longDayNames.contains(dayName), literal(",") {
            return rfc850(currentYear: currentYear)
        }
        return nil
    }

    /// `SP day SP month SP year SP time SP GMT` after `day-name ","`.
    private mutating func imfFixdate() -> HTTPDate? {
        guard literal(" "), let day = digits(2), literal(" "), let month = month(), literal(" "),
            let year = digits(4), literal(" "), let time = timeOfDay(), literal(" GMT"), atEnd
        else { return nil }
        return make(year: Int64(year), month: month, day: day, time: time)
    }

    /// `SP day "-" month "-" 2DIGIT SP time SP GMT` after `day-name-l ","`.
    private mutating func rfc850(currentYear: Int64) -> HTTPDate? {
        guard literal(" "), let day = digits(2), literal("-"), let month = month(), literal("-"),
            let twoDigitYear = digits(2), literal(" "), let time = timeOfDay(), literal(" GMT"), atEnd
        else { return nil }
        let century = currentYear - currentYear % 100
        var year = century + Int64(twoDigitYear)
        if year > currentYear + 50 { year -= 100 }
        return make(year: year, month: month, day: day, time: time)
    }

    /// `SP month SP ( 2DIGIT / ( SP DIGIT )) SP time SP year` after `day-name`.
    private mutating func asctime() -> HTTPDate? {
        guard literal(" "), let month = month(), literal(" ") else { return nil }
        let day: Int
        if literal(" ") {
            guard let digit = digits(1) else { return nil }
            day = digit
        } else {
            guard let twoDigits = digits(2) else { return nil }
            day = twoDigits
        }
        guard literal(" "), let time = timeOfDay(), literal(" "), let year = digits(4), atEnd else { return nil }
        return make(year: Int64(year), month: month, day: day, time: time)
    }

    private func make(year: Int64, month: Int, day: Int, time: Int) -> HTTPDate? {
        let date = CivilDate(year: year, month: month, day: day)
        guard date.isValid else { return nil }
        return HTTPDate(secondsSince1970: date.daysSince1970 * 86400 + Int64(time))
    }

    /// `hour ":" minute ":" second` as seconds of the day; second 60 (a leap second) is allowed.
    private mutating func timeOfDay() -> Int? {
        guard let hour = digits(2), hour < 24, literal(":"), let minute = digits(2), minute < 60,
            literal(":"), let second = digits(2), second <= 60
        else { return nil }
        return hour * 3600 + minute * 60 + second
    }

    private mutating func month() -> Int? {
        guard index + 3 <= bytes.count else { return nil }
        let name = String(decoding: bytes[index..<index + 3], as: UTF8.self)
        guard let position = HTTPDate.monthNames.firstIndex(of: name) else { return nil }
        index += 3
        return position + 1
    }

    private mutating func word() -> String? {
        let start = index
        while index < bytes.count, (UInt8(ascii: "A")...UInt8(ascii: "z")).contains(bytes[index]) {
            index += 1
        }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    private mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += count
        return value
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = text.withUTF8Buffer { expected in
            bytes[index..<index + count].elementsEqual(expected)
        }
        if matches { index += count }
        return matches
    }

    private var atEnd: Bool { index == bytes.count }
}

/// A point in time at the one-second precision of HTTP dates
/// (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7).
///
/// Formats as IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); parses IMF-fixdate and the two
/// obsolete forms a recipient must accept, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and
/// asctime (`Sun Nov  6 08:49:37 1994`). Anything else, including a valid form with an
/// impossible date or time, parses to nil, so a caller can ignore the field as the RFC says.
/// The day name must be one of the seven, in the form its format uses; it is not checked
/// against the date.
///
/// ```swift
/// HTTPDate("Sun, 06 Nov 1994 08:49:37 GMT")?.secondsSince1970  // 784111777
/// HTTPDate(secondsSince1970: 784111777).description            // "Sun, 06 Nov 1994 08:49:37 GMT"
/// ```
public struct HTTPDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z, ignoring leap seconds.
    public var secondsSince1970: Int64

    /// The instant `secondsSince1970` seconds after 1970-01-01T00:00:00Z.
    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    public static func < (lhs: HTTPDate, rhs: HTTPDate) -> Bool {
        lhs.secondsSince1970 < rhs.secondsSince1970
    }

    /// IMF-fixdate. The text of the date a thread formatted last is kept, so a resource's
    /// `Last-Modified`, sent again and again, is formatted once.
    public var description: String {
        Self.lastFormatted.value(for: secondsSince1970) {
            String(unsafeUninitializedCapacity: Self.length) { buffer in
                fill(FixedWidthText(buffer: buffer))
                return Self.length
            }
        }
    }

    /// The text of the date each thread formatted last.
    private static let lastFormatted = ThreadMemo<Int64, String>()

    /// Appends the 29 bytes of the IMF-fixdate form.
    public func write(to bytes: inout [UInt8]) {
        FixedWidthText.append(count: Self.length, to: &bytes, fill)
    }

    /// The length of the IMF-fixdate form.
    private static let length = 29

    /// Writes the IMF-fixdate form into `text`.
    private func fill(_ text: FixedWidthText) {
        let days = secondsSince1970 >= 0 ? secondsSince1970 / 86400 : (secondsSince1970 - 86399) / 86400
        let secondOfDay = Int(secondsSince1970 - days * 86400)
        let civil = CivilDate(daysSince1970: days)
        let weekday = Int((days % 7 + 7 + 4) % 7)  // 1970-01-01 was a Thursday.
        // `Sun, 06 Nov 1994 08:49:37 GMT`
        text.word(HTTPDate.shortDayNames[weekday], at: 0)
        text.word(", ", at: 3)
        text.digits(civil.day, at: 5, count: 2)
        text.byte(UInt8(ascii: " "), at: 7)
        text.word(HTTPDate.monthNames[civil.month - 1], at: 8)
        text.byte(UInt8(ascii: " "), at: 11)
        text.digits(Int(civil.year), at: 12, count: 4)
        text.byte(UInt8(ascii: " "), at: 16)
        text.time(secondOfDay: secondOfDay, at: 17)
        text.word(" GMT", at: 25)
    }

    /// Parses any of the three forms; RFC 850's two-digit year is read relative to the
    /// current year.
    public init?(_ string: some StringProtocol) {
        self.init(string, currentYear: CivilDate.currentYear())
    }

    /// Parses any of the three forms. An RFC 850 two-digit year that would be more than 50
    /// years after `currentYear` is taken as the most recent past year with those digits.
    public init?(_ string: some StringProtocol, currentYear: Int64) {
        var scanner = DateScanner(Array(string.utf8))
        guard let parsed = scanner.parse(currentYear: currentYear) else { return nil }
        self = parsed
    }

    static let shortDayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let longDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

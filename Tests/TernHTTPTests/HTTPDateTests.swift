import Testing
import TernHTTP

@Suite("HTTPDate — RFC 9110 section 5.6.7")
struct HTTPDateTests {
    /// The RFC's own example, in its three forms, is one instant.
    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ])
    func rfcExampleInEveryForm(text: String) {
        #expect(HTTPDate(text, currentYear: 2026)?.secondsSince1970 == 784_111_777)
    }

    @Test func formatsIMFFixdate() {
        #expect(HTTPDate(secondsSince1970: 784_111_777).description == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate(secondsSince1970: 0).description == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate(secondsSince1970: 951_782_400).description == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate(secondsSince1970: 4_102_444_799).description == "Thu, 31 Dec 2099 23:59:59 GMT")
        #expect(HTTPDate(secondsSince1970: -1).description == "Wed, 31 Dec 1969 23:59:59 GMT")
    }

    /// The last text a thread formatted is kept: asking again, or for another date in between,
    /// gives each date its own text.
    @Test func formattingAgainGivesTheSameText() {
        let dates: [(Int64, String)] = [(784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"), (0, "Thu, 01 Jan 1970 00:00:00 GMT")]
        for (seconds, text) in dates + dates.reversed() + dates + dates {
            #expect(HTTPDate(secondsSince1970: seconds).description == text)
        }
    }

    /// An RFC 850 year more than 50 years ahead is the most recent past year with those digits.
    @Test(arguments: [
        ("Monday, 01-Jan-76 00:00:00 GMT", Int64(2026), "Wed, 01 Jan 2076 00:00:00 GMT"),
        ("Monday, 01-Jan-77 00:00:00 GMT", Int64(2026), "Sat, 01 Jan 1977 00:00:00 GMT"),
        ("Monday, 01-Jan-26 00:00:00 GMT", Int64(2026), "Thu, 01 Jan 2026 00:00:00 GMT"),
    ])
    func rfc850TwoDigitYears(text: String, currentYear: Int64, expected: String) {
        #expect(HTTPDate(text, currentYear: currentYear)?.description == expected)
    }

    @Test(arguments: [
        "",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 gmt",
        "sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun,  06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT ",
        " Sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 29 Feb 1900 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov 06 08:49:37 1994 ",
        "1994-11-06T08:49:37Z",
        "784111777",
    ])
    func invalidDatesAreNil(text: String) {
        #expect(HTTPDate(text, currentYear: 2026) == nil)
    }

    @Test func leapDayAndLeapSecond() {
        #expect(HTTPDate("Tue, 29 Feb 2000 00:00:00 GMT") != nil)
        #expect(HTTPDate("Sat, 31 Dec 2016 23:59:60 GMT")?.description == "Sun, 01 Jan 2017 00:00:00 GMT")
        #expect(HTTPDate("Sun Nov 16 08:49:37 1994")?.description == "Wed, 16 Nov 1994 08:49:37 GMT")
    }

    /// parse(format(x)) == x across four centuries, one day and a few seconds apart.
    @Test func roundTrip() {
        var seconds: Int64 = -2_208_988_800  // 1900
        while seconds < 10_413_792_000 {  // 2300
            let date = HTTPDate(secondsSince1970: seconds)
            #expect(HTTPDate(date.description) == date)
            seconds += 86_400 * 7 + 3_607
        }
    }

    @Test func comparesAtSecondPrecision() {
        #expect(HTTPDate(secondsSince1970: 1) < HTTPDate(secondsSince1970: 2))
        #expect(HTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == HTTPDate("Sun Nov  6 08:49:37 1994"))
    }
}

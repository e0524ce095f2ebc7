import Testing
import TernHTTP

@Suite("Duration.wholeNanoseconds: toward zero, saturating")
struct DurationTests {
    static let cases: [(Duration, Int64)] = [
        (.zero, 0),
        (.nanoseconds(1), 1),
        (.milliseconds(1500), 1_500_000_000),
        (Duration(secondsComponent: 0, attosecondsComponent: 999_999_999), 0),
        (Duration(secondsComponent: 0, attosecondsComponent: -1_999_999_999), -1),
        // Past 64-bit attoseconds (about 9.2 s): the 128-bit path.
        (.seconds(10), 10_000_000_000),
        (Duration(secondsComponent: 86_400, attosecondsComponent: 123_456_789_999), 86_400_000_000_123),
        (.seconds(-10), -10_000_000_000),
        (.seconds(Int64.max), Int64.max),
        (.seconds(Int64.min), Int64.min),
    ]

    @Test(arguments: cases)
    func wholeNanoseconds(duration: Duration, expected: Int64) {
        #expect(duration.wholeNanoseconds == expected)
    }
}

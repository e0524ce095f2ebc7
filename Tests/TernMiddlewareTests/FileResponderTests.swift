import Testing
@testable import TernMiddleware

@Suite("FileResponder's pure parts: names, types, dispositions")
struct FileResponderPartsTests {
    @Test(arguments: ["a.txt", "report 2026.pdf", "élan.bin", "x", String(repeating: "n", count: 255), "a..b", "a.", "-"])
    func safeNames(name: String) {
        #expect(FileName.isSafe(name))
    }

    @Test(arguments: ["", ".", "..", ".env", "../x", "a/b", "a\\b", "a\u{0}b", "tab\there", "del\u{7F}", String(repeating: "n", count: 256), "/etc/passwd"])
    func refusedNames(name: String) {
        #expect(!FileName.isSafe(name))
    }

    @Test(arguments: [
        ("index.html", "text/html; charset=utf-8"), ("LOGO.PNG", "image/png"), ("data.json", "application/json"),
        ("archive.tar.gz", "application/gzip"), ("noextension", "application/octet-stream"), (".bashrc", "application/octet-stream"),
        ("weird.xyz", "application/octet-stream"), ("notes.txt", "text/plain; charset=utf-8"),
    ])
    func contentTypes(name: String, type: String) {
        #expect(FileTypes.contentType(forName: name) == type)
    }

    /// RFC 6266 section 5's forms: a quoted ASCII name, plus `filename*` when it is not ASCII.
    @Test func dispositions() {
        #expect(ContentDisposition.value(.attachment, fileName: "report.pdf") == #"attachment; filename="report.pdf""#)
        #expect(ContentDisposition.value(.inline, fileName: "a \"b\".txt") == #"inline; filename="a _b_.txt"; filename*=UTF-8''a%20%22b%22.txt"#)
        #expect(ContentDisposition.value(.attachment, fileName: "€ rates.csv") == #"attachment; filename="_ rates.csv"; filename*=UTF-8''%E2%82%AC%20rates.csv"#)
    }
}

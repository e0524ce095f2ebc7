import Foundation
import Testing

/// The README and the pages under docs/ point at files that exist, and the README stays a
/// page a newcomer reads through.
@Suite("Documentation: links and length")
struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var pages: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? []
        return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }

    /// The targets of the page's Markdown links `[text](target)` that name a file of the
    /// repository (not a URL, not an anchor on the same page), without their `#fragment`.
    static func fileLinks(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).compactMap { match in
            guard let target = Range(match.range(at: 1), in: text).map({ String(text[$0]) }) else { return nil }
            if target.hasPrefix("#") || target.contains("://") || target.hasPrefix("mailto:") { return nil }
            return String(target.prefix { $0 != "#" })
        }
    }

    @Test func linksFindAnAnchorAndSkipURLs() {
        #expect(Self.fileLinks(in: "[a](docs/x.md#part) [b](https://e.org) [c](#here) [d](../README.md)") == ["docs/x.md", "../README.md"])
    }

    @Test(arguments: pages)
    func everyLinkToAFileResolves(page: String) throws {
        let url = Self.root.appendingPathComponent(page)
        let text = try String(contentsOf: url, encoding: .utf8)
        let links = Self.fileLinks(in: text)
        if page == "README.md" { #expect(links.count >= 5, "the README links its documents") }
        for link in links {
            let target = url.deletingLastPathComponent().appendingPathComponent(link).standardizedFileURL.path
            #expect(FileManager.default.fileExists(atPath: target), "\(page) links \(link), which does not exist")
        }
    }

    @Test func theReadmeIsAtMostAboutThreeHundredLines() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count <= 300)
    }
}

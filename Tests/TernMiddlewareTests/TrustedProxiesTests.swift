import HTTPTypes
import Testing
import TernHTTP
import TernMiddleware

@Suite("Trusted proxies and X-Forwarded-For")
struct TrustedProxiesTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.200.3.4", true),
        ("10.0.0.0/8", "11.0.0.1", false),
        ("192.168.1.7", "192.168.1.7", true),
        ("192.168.1.7", "192.168.1.8", false),
        ("0.0.0.0/0", "203.0.113.9", true),
        ("::1", "::1", true),
        ("fd00::/8", "fd12:3456::1", true),
        ("fd00::/8", "fe80::1", false),
        ("127.0.0.0/8", "::ffff:127.0.0.1", true),
        ("127.0.0.0/8", "::1", false),
        ("10.0.0.0/8", "not an address", false),
    ])
    func rangesContainTheirAddresses(range: String, address: String, contained: Bool) throws {
        #expect(try #require(IPAddressRange(range)).contains(address) == contained)
    }

    @Test(arguments: ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0/8", "example.com", "10.0.0.0/-1", ""])
    func malformedRangesAreRefused(_ text: String) {
        #expect(IPAddressRange(text) == nil)
    }

    @Test func aRangeDescribesItsNetwork() {
        #expect(IPAddressRange("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(IPAddressRange("fd12::1/16")?.description == "fd12::/16")
    }

    private static let proxies = TrustedProxies([IPAddressRange("10.0.0.0/8")!, IPAddressRange("127.0.0.1")!])

    @Test(arguments: [
        // The rightmost untrusted entry is the client; what the client wrote to its left is ignored.
        (["203.0.113.9"], "203.0.113.9"),
        (["1.2.3.4, 203.0.113.9"], "203.0.113.9"),
        (["1.2.3.4, 203.0.113.9, 10.0.0.5"], "203.0.113.9"),
        // Several field lines are one list.
        (["1.2.3.4", "203.0.113.9, 10.0.0.5"], "203.0.113.9"),
        // Every entry trusted: the leftmost.
        (["10.0.0.7, 10.0.0.5"], "10.0.0.7"),
        // A token that is no address ends the walk at the last trusted hop.
        (["evil, 10.0.0.5"], "10.0.0.5"),
        (["garbage"], "127.0.0.1"),
        (["2001:db8::1, 10.0.0.5"], "2001:db8::1"),
    ])
    func theClientIsTheRightmostUntrustedAddress(lines: [String], client: String) {
        #expect(Self.proxies.client(from: lines, peer: "127.0.0.1") == client)
    }

    @Test func theFieldCountsOnlyFromATrustedPeer() async throws {
        let echo = ClosureResponder { _, context in
            Response(status: .ok, body: .string(TrustedProxies.forwardedClient(in: context) ?? "none"))
        }
        let forwarded: HTTPFields = [TrustedProxies.forwardedForField: "203.0.113.9"]
        let trusted = try await Self.proxies.handle(request(.get, "/", forwarded), context: context(host: "10.1.1.1"), next: echo)
        #expect(trusted.body.bufferedBytes == Array("203.0.113.9".utf8))
        let untrusted = try await Self.proxies.handle(request(.get, "/", forwarded), context: context(host: "198.51.100.2"), next: echo)
        #expect(untrusted.body.bufferedBytes == Array("none".utf8))
    }

    /// A peer with no IP address (a Unix socket's) is trusted only when asked for.
    @Test(arguments: [false, true])
    func unixSocketPeersAreTrustedWhenAskedFor(trusting: Bool) async throws {
        let echo = ClosureResponder { _, context in
            Response(status: .ok, body: .string(TrustedProxies.forwardedClient(in: context) ?? "none"))
        }
        let proxies = TrustedProxies([IPAddressRange("10.0.0.0/8")!], unixSocketPeers: trusting)
        var local = context()
        local.remoteAddress = nil
        let forwarded: HTTPFields = [TrustedProxies.forwardedForField: "203.0.113.9, 10.0.0.5"]
        let response = try await proxies.handle(request(.get, "/", forwarded), context: local, next: echo)
        #expect(response.body.bufferedBytes == Array((trusting ? "203.0.113.9" : "none").utf8))
    }
}

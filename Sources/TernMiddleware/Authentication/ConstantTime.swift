/// Comparisons whose duration does not depend on where two secrets differ.
enum ConstantTime {
    /// Whether `a` equals `b`, reading every byte of `a` whatever the contents; only the
    /// length of `a` (what the client sent) shapes the time taken.
    static func equals(_ a: some Collection<UInt8>, _ b: [UInt8]) -> Bool {
        guard !b.isEmpty else { return a.isEmpty }
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | UInt8(a.count == b.count ? 0 : 1)
        var index = 0
        for byte in a {
            difference |= byte ^ b[index % b.count]
            index += 1
        }
        return difference == 0
    }
}

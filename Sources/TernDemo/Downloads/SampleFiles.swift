import Foundation

/// The large binary sample for range demos: written on first start (or by `make
/// sample-files`) rather than kept in git. Its bytes are a fixed pseudo-random sequence, so
/// every copy is the same and any range of it looks like data.
public enum SampleFiles {
    /// The large sample's file name.
    public static let largeName = "sample-64mib.bin"
    /// Its size: 64 MiB.
    public static let largeSize = 64 * 1024 * 1024

    /// Writes `folder/sample-64mib.bin` unless a file of the right size is there; the file
    /// appears whole or not at all (written aside, then renamed).
    public static func ensureLarge(in folder: String) throws {
        let path = (folder as NSString).appendingPathComponent(largeName)
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size == largeSize { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // A dotfile while it is written: never listed or served.
        let temporary = (folder as NSString).appendingPathComponent(".\(largeName).partial-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var chunk = [UInt64](repeating: 0, count: (1 << 20) / 8)
        for _ in 0..<(largeSize >> 20) {
            for index in chunk.indices {
                // xorshift64*
                state ^= state >> 12
                state ^= state << 25
                state ^= state >> 27
                chunk[index] = (state &* 0x2545_F491_4F6C_DD1D).littleEndian
            }
            try chunk.withUnsafeBytes { try handle.write(contentsOf: $0) }
        }
        try handle.close()
        if rename(temporary, path) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}

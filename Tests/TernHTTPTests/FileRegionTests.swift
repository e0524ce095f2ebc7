#if canImport(Glibc)
import Glibc
#endif
import Testing
import TernHTTP

@Suite("File regions read with pread")
struct FileRegionTests {
    /// A file holding the bytes 0..<200, open for reading.
    func withFile(_ body: (OpenFile) throws -> Void) throws {
        var template = Array("/tmp/tern-region-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        try #require(descriptor >= 0)
        unlink(template)
        let content = (0..<200).map { UInt8($0) }
        try #require(write(descriptor, content, content.count) == content.count)
        try body(OpenFile(takingOwnershipOf: descriptor))
    }

    @Test func appendsTheRegionAfterWhatIsThere() throws {
        try withFile { file in
            var bytes: [UInt8] = [9, 9]
            try FileRegion(file: file, offset: 100, length: 50).read(appendingTo: &bytes)
            #expect(bytes == [9, 9] + (100..<150).map { UInt8($0) })
            try FileRegion(file: file, offset: 0, length: 0).read(appendingTo: &bytes)
            #expect(bytes.count == 52)
        }
    }

    /// Into memory the caller owns: the count read, short when the file ends first.
    @Test func readsIntoABuffer() throws {
        try withFile { file in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
            defer { buffer.deallocate() }
            #expect(FileRegion(file: file, offset: 10, length: 64).read(into: buffer) == 64)
            #expect(Array(buffer) == (10..<74).map { UInt8($0) })
            #expect(FileRegion(file: file, offset: 180, length: 40).read(into: buffer) == 20)
            #expect(Array(buffer.prefix(20)) == (180..<200).map { UInt8($0) })
        }
    }

    /// A region past the end of the file (it shrank after it was described) throws where
    /// reading stopped, and keeps what was read.
    @Test func aRegionPastTheEndThrowsWhereItStopped() throws {
        try withFile { file in
            var bytes: [UInt8] = []
            let error = #expect(throws: FileRegionReadError.self) {
                try FileRegion(file: file, offset: 150, length: 100).read(appendingTo: &bytes)
            }
            #expect(error?.offset == 200)
            #expect(bytes == (150..<200).map { UInt8($0) })
        }
    }
}

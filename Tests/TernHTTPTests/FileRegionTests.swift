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
        unlink(String(cString: template))
        let content = (0..<200).map { UInt8($0) }
        try #require(write(descriptor, content, content.count) == content.count)
        try body(OpenFile(takingOwnershipOf: descriptor))
    }

    @Test func appendsTheRegionAfterWhatIsThere() throws {
        try withFile { file in
            var bytes: [UInt8] = [9, 9]
            try FileRegion(file: file, offset: 100, length: 50).read(appendingTo: &bytes)
            #expect(bytes == [9, 9] + (100..<150).map { UInt8($0) })
            try BodySegment.bytes([7]).read(appendingTo: &bytes)
            try BodySegment.file(FileRegion(file: file, offset: 0, length: 0)).read(appendingTo: &bytes)
            #expect(bytes.count == 53 && bytes.last == 7)
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

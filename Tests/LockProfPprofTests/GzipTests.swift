import Foundation
import LockProfPprof
import Testing

@Suite struct GzipTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test(arguments: [0, 1, 65_535, 65_536, 200_000])
    func gzipOfStoredBlocksIsReadByGunzip(_ size: Int) throws {
        let input = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lockprof-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("data.gz")
        try Data(Gzip.wrap(input)).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-d", file.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try Data(contentsOf: directory.appendingPathComponent("data")) == Data(input))
    }
}

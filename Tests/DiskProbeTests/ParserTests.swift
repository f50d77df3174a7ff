import AuditCore
import BlockAccess
@testable import DiskProbe
import XCTest

/// Pure unit tests of the byte-level parsers: known vectors, hand-built headers, and hostile
/// bytes that must give a value or nil, never a trap.
final class ParserTests: XCTestCase {
    /// A GPT header sector with the given fields and a correct header CRC.
    private func headerSector(sectorSize: Int = 512, myLBA: UInt64 = 1, alternateLBA: UInt64 = 20_971_519,
                              lastUsable: UInt64 = 20_971_486, entryCount: UInt32 = 128, entrySize: UInt32 = 128,
                              entriesCRC: UInt32 = 0, headerSize: UInt32 = 92) -> [UInt8] {
        var s = [UInt8](repeating: 0, count: sectorSize)
        func put<T: FixedWidthInteger>(_ v: T, _ at: Int) {
            withUnsafeBytes(of: v.littleEndian) { s.replaceSubrange(at..<at + MemoryLayout<T>.size, with: $0) }
        }
        s.replaceSubrange(0..<8, with: Array("EFI PART".utf8))
        put(UInt32(0x0001_0000), 8)
        put(headerSize, 12)
        put(myLBA, 24)
        put(alternateLBA, 32)
        put(UInt64(34), 40)
        put(lastUsable, 48)
        // Disk GUID 2001BBBB-0000-4000-8000-000000002001 in mixed-endian order.
        s.replaceSubrange(56..<72, with: [0xBB, 0xBB, 0x01, 0x20, 0x00, 0x00, 0x00, 0x40,
                                          0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01])
        put(UInt64(2), 72)
        put(entryCount, 80)
        put(entrySize, 84)
        put(entriesCRC, 88)
        let size = Int(min(headerSize, UInt32(sectorSize)))
        put(CRC32.checksum(Array(s[0..<max(92, size)])), 16)
        return s
    }

    func testCRC32KnownVectors() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([]), 0)
        XCTAssertEqual(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
    }

    /// The eight-bytes-a-turn CRC against a bit-at-a-time reference at every length and
    /// alignment around its word size, and the in-place header CRC against a zeroed copy.
    func testCRC32MatchesABitwiseReferenceAtEveryLength() {
        func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
            }
            return crc ^ 0xFFFF_FFFF
        }
        let bytes = (0..<80).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 11) }
        for start in 0..<9 {
            for end in start...bytes.count {
                XCTAssertEqual(CRC32.checksum(Array(bytes[start..<end])), reference(bytes[start..<end]), "\(start)..<\(end)")
            }
        }
        // A GPT entry array's size of seeded random bytes: every table of the eight is used.
        var generator = SeededGenerator(seed: 32)
        let entries = (0..<16_384).map { _ in UInt8.random(in: 0...255, using: &generator) }
        XCTAssertEqual(CRC32.checksum(entries), reference(entries[...]))
        for size in [20, 23, 28, 29, 80] {
            var copy = Array(bytes[0..<size])
            copy.replaceSubrange(16..<20, with: [0, 0, 0, 0])
            XCTAssertEqual(CRC32.checksum(bytes, 0..<size, zeroing: 16), reference(copy[...]), "\(size)")
        }
    }

    /// The survey's zero test (64 bytes a turn, then words, then bytes): a single non-zero
    /// byte is found at every position of every length up to 200, at every alignment of
    /// the buffer, and a buffer of zeros holds none.
    func testHoldsNonZeroFindsOneByteAnywhere() {
        var bytes = [UInt8](repeating: 0, count: 208)
        bytes.withUnsafeMutableBytes { raw in
            for start in 0..<8 {
                for length in 0...200 {
                    let window = UnsafeMutableRawBufferPointer(rebasing: raw[start..<start + length])
                    XCTAssertFalse(DataExtentSurvey.Reader.holdsNonZero(UnsafeRawBufferPointer(window)), "\(start), \(length)")
                    for at in 0..<length {
                        window[at] = 0x80
                        XCTAssertTrue(DataExtentSurvey.Reader.holdsNonZero(UnsafeRawBufferPointer(window)), "\(start), \(length), \(at)")
                        window[at] = 0
                    }
                }
            }
        }
    }

    /// In-place magic comparison: out-of-range offsets are a mismatch, never a trap.
    func testMagicMatchingIsBoundedAndExact() {
        let bytes = Array("xxEFI PART".utf8)
        XCTAssertTrue(LittleEndian.matches(bytes, at: 2, "EFI PART"))
        XCTAssertFalse(LittleEndian.matches(bytes, at: 1, "EFI PART"))
        XCTAssertFalse(LittleEndian.matches(bytes, at: 3, "EFI PART"))
        XCTAssertFalse(LittleEndian.matches(bytes, at: -1, "x"))
        XCTAssertFalse(LittleEndian.matches([], at: 0, "x"))
        XCTAssertTrue(LittleEndian.matches(bytes, at: 10, ""))
        XCTAssertTrue(LittleEndian.matches(bytes, at: 0, [0x78, 0x78]))
        XCTAssertEqual(hexString([0x00, 0x0F, 0xA0, 0xFF]), "000fa0ff")
        XCTAssertEqual(MultiDeviceMembers.plainUUID(Array(0..<16), 0), "00010203-0405-0607-0809-0a0b0c0d0e0f")
    }

    func testGUIDIsMixedEndianAndUpperCase() {
        let bytes: [UInt8] = [0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF]
        XCTAssertEqual(GUIDFormat.string(bytes), "00112233-4455-6677-8899-AABBCCDDEEFF")
        XCTAssertEqual(GUIDFormat.string(Array(bytes.prefix(15))), "")
        XCTAssertEqual(GUIDFormat.string(bytes, at: 1), "")
    }

    func testParsesAWellFormedHeader() throws {
        let h = try XCTUnwrap(GPTHeaderParser.parse(headerSector()))
        XCTAssertTrue(h.headerCRCValid)
        XCTAssertEqual(h.revisionString, "1.0")
        XCTAssertEqual(h.diskGUID, "2001BBBB-0000-4000-8000-000000002001")
        XCTAssertEqual(h.myLBA, 1)
        XCTAssertEqual(h.alternateLBA, 20_971_519)
        XCTAssertEqual(h.lastUsableLBA, 20_971_486)
        XCTAssertEqual(GPTHeaderParser.entriesArraySize(h), .bytes(16384))
        XCTAssertEqual(GPTHeaderParser.entriesSectors(h, sectorSize: 512), 32)
        XCTAssertEqual(GPTHeaderParser.entriesSectors(h, sectorSize: 4096), 4)
    }

    func testAnyChangedByteBreaksTheHeaderCRC() throws {
        var s = headerSector()
        s[60] ^= 0x01
        let h = try XCTUnwrap(GPTHeaderParser.parse(s))
        XCTAssertFalse(h.headerCRCValid)
        // Bytes past HeaderSize are not covered by the CRC.
        var t = headerSector()
        t[300] = 0xFF
        XCTAssertEqual(GPTHeaderParser.parse(t)?.headerCRCValid, true)
    }

    func testNoSignatureOrShortSectorIsNil() {
        XCTAssertNil(GPTHeaderParser.parse([UInt8](repeating: 0, count: 512)))
        XCTAssertNil(GPTHeaderParser.parse(Array(headerSector().prefix(91))))
        XCTAssertNil(GPTHeaderParser.parse([]))
    }

    func testImplausibleHeaderSizeIsInvalidNotATrap() throws {
        for size: UInt32 in [0, 91, 513, 0xFFFF_FFFF] {
            let h = try XCTUnwrap(GPTHeaderParser.parse(headerSector(headerSize: size)))
            XCTAssertNil(h.computedHeaderCRC32, "header size \(size)")
            XCTAssertFalse(h.headerCRCValid)
        }
    }

    func testEntrySizeMustBeAMultipleOf128() throws {
        let odd = try XCTUnwrap(GPTHeaderParser.parse(headerSector(entrySize: 200)))
        guard case .absurd(let reason) = GPTHeaderParser.entriesArraySize(odd) else { return XCTFail("accepted 200") }
        XCTAssertTrue(reason.contains("multiple of 128"), reason)
        let big = try XCTUnwrap(GPTHeaderParser.parse(headerSector(entryCount: 64, entrySize: 256)))
        XCTAssertEqual(GPTHeaderParser.entriesArraySize(big), .bytes(16384))
    }

    func testAbsurdEntryArraysAreBoundedBeforeReading() throws {
        let huge = try XCTUnwrap(GPTHeaderParser.parse(headerSector(entryCount: .max, entrySize: .max)))
        guard case .absurd = GPTHeaderParser.entriesArraySize(huge) else { return XCTFail("not absurd") }
        XCTAssertEqual(GPTHeaderParser.entriesSectors(huge, sectorSize: 512), 0)
        let tiny = try XCTUnwrap(GPTHeaderParser.parse(headerSector(entrySize: 8)))
        guard case .absurd = GPTHeaderParser.entriesArraySize(tiny) else { return XCTFail("not absurd") }
        let big = try XCTUnwrap(GPTHeaderParser.parse(headerSector(entryCount: 65536, entrySize: 128)))
        XCTAssertEqual(GPTHeaderParser.entriesArraySize(big, limit: 8 << 20), .bytes(8 << 20))
        guard case .absurd = GPTHeaderParser.entriesArraySize(big, limit: 4 << 20) else { return XCTFail("not bounded") }
    }

    func testHostileBytesNeverTrap() {
        var rng = SeededGenerator(seed: 0x5eed)
        for round in 0..<2000 {
            let count = Int(rng.next() % 1100)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if round % 2 == 0, bytes.count >= 8 { bytes.replaceSubrange(0..<8, with: Array("EFI PART".utf8)) }
            if round % 3 == 0, bytes.count >= 512 { bytes[510] = 0x55; bytes[511] = 0xAA }
            if let h = GPTHeaderParser.parse(bytes) {
                _ = GPTHeaderParser.entriesArraySize(h)
                _ = GPTHeaderParser.entriesSectors(h, sectorSize: 4096)
            }
            _ = MBRParser.parse(bytes)
            _ = GPTEntryParser.parse(bytes, entrySize: Int(rng.next() % 600))
            _ = DOSExtendedChain.walk(extendedStartLBA: rng.next(), extendedSectors: rng.next(), limit: 8) { _ in bytes }
        }
    }

    func testMBRParsesEntriesAndProtectiveSize() throws {
        var s = [UInt8](repeating: 0, count: 512)
        s.replaceSubrange(440..<444, with: [0x01, 0x00, 0x26, 0x20])
        s[446 + 4] = 0xEE
        s.replaceSubrange(446 + 8..<446 + 16, with: [1, 0, 0, 0, 0xFF, 0xFF, 0x3F, 0x01])
        s[510] = 0x55; s[511] = 0xAA
        let m = try XCTUnwrap(MBRParser.parse(s))
        XCTAssertTrue(m.bootSignatureValid)
        XCTAssertEqual(m.diskSignature, "0x20260001")
        XCTAssertEqual(m.entries, [MBREntry(index: 1, bootable: false, type: "0xee", startLBA: 1, sectors: 0x013F_FFFF)])
        XCTAssertEqual(m.protectiveSizeLBA, 0x013F_FFFF)
        XCTAssertNil(MBRParser.parse([UInt8](repeating: 0, count: 512)))
        XCTAssertNil(MBRParser.parse([0x55]))
    }

    func testEBRChainStopsAtALoop() {
        // Every EBR points back at the first one: the walk must stop after one link.
        var ebr = [UInt8](repeating: 0, count: 512)
        ebr[446 + 4] = 0x83
        ebr.replaceSubrange(446 + 8..<446 + 16, with: [0x00, 0x08, 0, 0, 0x00, 0x40, 0, 0])  // start 2048, 16384 sectors
        ebr[462 + 4] = 0x05
        ebr.replaceSubrange(462 + 8..<462 + 16, with: [0, 0, 0, 0, 0x00, 0x40, 0, 0])  // next = extended start (loop)
        ebr[510] = 0x55; ebr[511] = 0xAA
        var reads = 0
        let links = DOSExtendedChain.walk(extendedStartLBA: 1000, extendedSectors: 100_000) { _ in reads += 1; return ebr }
        XCTAssertEqual(links.count, 1)
        XCTAssertEqual(links[0].logical?.startLBA, 3048)
        XCTAssertEqual(links[0].logical?.index, 5)
        XCTAssertEqual(reads, 1)
        let reported = DOSExtendedChain.walkReporting(extendedStartLBA: 1000, extendedSectors: 100_000) { _ in ebr }
        XCTAssertEqual(reported.ending, .loop(lba: 1000))
        XCTAssertEqual(reported.links.count, 1)
    }

    func testAbsurdEntryArrayOnAMemoryVolumeIsAFindingNotARead() throws {
        let volume = MemoryVolume(sizeBytes: 8 << 20)
        var mbr = [UInt8](repeating: 0, count: 512)
        mbr[446 + 4] = 0xEE
        mbr.replaceSubrange(446 + 8..<446 + 16, with: [1, 0, 0, 0, 0xFF, 0x3F, 0, 0])
        mbr[510] = 0x55; mbr[511] = 0xAA
        volume.set(mbr, at: 0)
        volume.set(headerSector(alternateLBA: 16383, lastUsable: 16350, entryCount: 0x0100_0000, entrySize: 4096), at: 512)
        let r = try DiskProber.probe(volume)
        XCTAssertEqual(r.witnesses.primaryGPT?.headerCRCValid, true)
        XCTAssertNil(r.witnesses.primaryGPT?.entriesCRCValid)
        XCTAssertNotNil(r.witnesses.primaryGPT?.entriesProblem)
        XCTAssertTrue(codes(r).contains("gpt-entries-array-invalid"))
        XCTAssertLessThan(r.regionsRead.reduce(0) { $0 + $1.length }, 4 << 20)
    }
}


import XCTest
import AuditCore
import BlockAccess
import ContentCheck
import DiskProbe
import TestSupport

/// The sampled check: deterministic plans, the seed incident on GPT and MBR disks, and a
/// 64 MiB foreign region in a volume whose labels are intact — all over real nbdkit.
final class SampledCheckTests: XCTestCase {
    var fx: ContentFixtures!

    override func setUpWithError() throws { fx = try ContentFixtures() }
    override func tearDown() { fx = nil }

    private func open(_ server: NBDKitServer) throws -> any Volume {
        try VolumeOpener.open(server.uri(), options: VolumeOptions(timeout: .seconds(10)))
    }

    private func serve(_ name: String, filters: [String] = [], args: [String] = []) throws -> NBDKitServer {
        try NBDKitServer(plugin: "file", args: ["file=\(fx.path(name))"] + args, filters: filters)
    }

    /// Samples `source` (with its probed partitions) and checks `target` against it.
    private func check(_ source: String, _ target: String, seed: UInt64,
                       options: SamplePlanOptions = SamplePlanOptions()) throws -> (SampleCheck, ContentSample) {
        let s = try serve(source), t = try serve(target)
        let sv = try open(s), tv = try open(t)
        let probe = try DiskProber.probe(sv)
        let sample = ContentSampler.sample(volume: sv, probe: probe, seed: seed, options: options)
        return (ContentSampler.check(target: tv, expected: sample), sample)
    }

    func testPlanIsDeterministicForASeedAndCoversEdges() {
        let size: UInt64 = 115 << 30
        let parts = [Partition(number: 1, startBytes: 1 << 20, sizeBytes: 512 << 20, startLBA: 2048, endLBA: 1050623, type: "x"),
                     Partition(number: 2, startBytes: 513 << 20, sizeBytes: size - (514 << 20), startLBA: 1050624,
                               endLBA: size / 512 - 2049, type: "x")]
        let allocated = [Extent(offset: 0, length: 8 << 20, hole: false, zero: false),
                         Extent(offset: 2 << 30, length: 1 << 30, hole: false, zero: false)]
        let a = ContentSampler.plan(sizeBytes: size, partitions: parts, allocated: allocated, seed: 42)
        let b = ContentSampler.plan(sizeBytes: size, partitions: parts, allocated: allocated, seed: 42)
        let c = ContentSampler.plan(sizeBytes: size, partitions: parts, allocated: allocated, seed: 43)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.blocks, c.blocks)
        let purposes = Set(a.blocks.map(\.purpose))
        for p in ["disk head", "disk tail", "partition 1 head", "partition 1 tail", "partition 2 head", "partition 2 tail",
                  "stride", "random"] {
            XCTAssertTrue(purposes.contains(p), p)
        }
        XCTAssertEqual(a.blocks.first { $0.purpose == "disk tail" }?.offset, size - (1 << 20))
        // Random and stride blocks land only in allocated extents.
        for blk in a.blocks where blk.purpose == "random" || blk.purpose == "stride" {
            XCTAssertTrue(allocated.contains { blk.offset >= $0.offset && blk.offset < $0.end }, "\(blk)")
        }
        XCTAssertEqual(a.blocks, a.blocks.sorted { $0.offset < $1.offset })
        XCTAssertLessThanOrEqual(a.blocks.count, 1024 + 6)
    }

    func testEvery64MiBAllocatedRunHoldsAWholeStrideBlock() {
        // Fragmented allocation around one large extent; any 64 MiB window inside the large
        // extent must fully contain a stride block, whatever the seed and window position.
        var allocated: [Extent] = []
        for i in 0..<200 { allocated.append(Extent(offset: UInt64(i) * (3 << 20), length: 1 << 20, hole: false, zero: false)) }
        let big = Extent(offset: 4 << 30, length: 3 << 30, hole: false, zero: false)
        allocated.append(big)
        var rng = SystemRandomNumberGenerator()
        for seed in UInt64(1)...20 {
            let plan = ContentSampler.plan(sizeBytes: 16 << 30, partitions: [], allocated: allocated, seed: seed,
                                           options: SamplePlanOptions(randomBlocks: 0))
            let strides = plan.blocks.filter { $0.purpose == "stride" }
            for _ in 0..<200 {
                let start = big.offset + UInt64.random(in: 0...(big.length - (64 << 20)), using: &rng)
                let end = start + (64 << 20)
                XCTAssertTrue(strides.contains { $0.offset >= start && $0.offset + UInt64($0.length) <= end },
                              "seed \(seed): no stride block inside [\(start), \(end))")
            }
        }
    }

    func testSeedIncidentContaminationIsCaughtOnGPT() throws {
        try fx.script("make-seed.sh")
        let (result, sample) = try check("disk2000.img", "vol2000-contaminated.img", seed: 2000)
        XCTAssertEqual(result.status, .different)
        XCTAssertTrue(result.mismatches.contains { $0.purpose == "disk head" }, "\(result.mismatches.prefix(3))")
        XCTAssertTrue(result.mismatches.contains { $0.purpose.hasPrefix("partition") }, "partition heads differ too")
        let finding = try XCTUnwrap(result.findings.first)
        XCTAssertEqual(finding.code, "content-mismatch")
        XCTAssertEqual(finding.severity, .critical)
        XCTAssertEqual(finding.evidence["seed"]?.uint64Value, 2000)
        XCTAssertEqual(sample.seed, 2000)
        // The correct replica passes the same check.
        let (clean, _) = try check("disk2000.img", "vol2000.img", seed: 2000)
        XCTAssertEqual(clean.status, .identical)
        XCTAssertEqual(clean.findings, [])
        XCTAssertGreaterThan(clean.blocksCompared, 8)
    }

    func testContaminationIsCaughtOnMBRDisks() throws {
        try fx.script("make-content-cases.sh", ["mbr"])
        let (result, _) = try check("mbr-disk2000.img", "mbr-vol2000-contaminated.img", seed: 7)
        XCTAssertEqual(result.status, .different)
        XCTAssertTrue(result.mismatches.contains { $0.offset == 0 && $0.purpose == "disk head" })
        XCTAssertTrue(result.mismatches.contains { $0.purpose == "partition 1 head" }, "\(result.mismatches.map(\.purpose))")
        let (clean, _) = try check("mbr-disk2000.img", "mbr-vol2000.img", seed: 7)
        XCTAssertEqual(clean.status, .identical)
    }

    func testA64MiBForeignRegionInAllocatedDataIsAlwaysCaught() throws {
        // 64 MiB of another disk's data at an unaligned offset inside the random data area
        // [256 MiB, 512 MiB) of a 1 GiB GPT disk; labels and filesystem head untouched.
        let unaligned: UInt64 = (300 << 20) + 12345 * 512
        try fx.script("make-content-cases.sh", ["foreign", "\(unaligned)"])
        try fx.copy("foreign-disk.img", to: "foreign-vol2.img")
        try fx.random("foreign-vol2.img", atMiB: 448, mib: 64)
        try fx.copy("foreign-disk.img", to: "foreign-vol3.img")
        try fx.random("foreign-vol3.img", atMiB: 256, mib: 64)
        let strideOnly = SamplePlanOptions(randomBlocks: 0)
        for target in ["foreign-vol.img", "foreign-vol2.img", "foreign-vol3.img"] {
            for seed: UInt64 in [1, 2, 3, 99, 0xDEAD_BEEF] {
                let (result, _) = try check("foreign-disk.img", target, seed: seed, options: strideOnly)
                XCTAssertEqual(result.status, .different, "\(target) seed \(seed)")
                XCTAssertTrue(result.mismatches.allSatisfy { $0.purpose == "stride" }, "labels are intact")
            }
        }
        let (withDefaults, sample) = try check("foreign-disk.img", "foreign-vol.img", seed: 5)
        XCTAssertEqual(withDefaults.status, .different)
        XCTAssertEqual(sample.strideBytes, 32 << 20)
        let (clean, _) = try check("foreign-disk.img", "foreign-disk.img", seed: 5)
        XCTAssertEqual(clean.status, .identical)
    }

    func testASampleSurvivesABaselineRoundTrip() throws {
        try fx.sparse("src.img", size: "512M")
        try fx.random("src.img", atMiB: 100, mib: 64)
        try fx.copy("src.img", to: "bad.img")
        try fx.random("bad.img", atMiB: 120, mib: 32)
        let s = try serve("src.img"), bad = try serve("bad.img")
        let sample = ContentSampler.sample(volume: try open(s), probe: nil, seed: 11)
        let data = try JSONEncoder().encode(sample)
        let decoded = try JSONDecoder().decode(ContentSample.self, from: data)
        XCTAssertEqual(decoded, sample)
        XCTAssertEqual(decoded.blocks.first?.sha256.count, 64)
        XCTAssertEqual(ContentSampler.verify(target: try open(s), expected: decoded), [])
        let findings = ContentSampler.verify(target: try open(bad), expected: decoded)
        XCTAssertEqual(findings.map(\.code), ["content-mismatch"])
        let mismatches = findings[0].evidence["mismatches"]
        guard case .array(let list)? = mismatches, case .object(let first)? = list.first else {
            return XCTFail("no mismatch evidence: \(String(describing: mismatches))")
        }
        XCTAssertNotNil(first["expectedSHA256"]?.stringValue)
        XCTAssertNotNil(first["actualSHA256"]?.stringValue)
        XCTAssertNotEqual(first["expectedSHA256"], first["actualSHA256"])
    }

    func testUnreadableTargetMakesTheSampleInconclusiveNotIdentical() throws {
        try fx.sparse("src.img", size: "256M")
        try fx.random("src.img", atMiB: 0, mib: 32)
        try fx.copy("src.img", to: "dst.img")
        let s = try serve("src.img")
        let t = try serve("dst.img", filters: ["error"], args: ["error-pread=EIO", "error-pread-rate=100%"])
        let sample = ContentSampler.sample(volume: try open(s), probe: nil, seed: 3)
        let result = ContentSampler.check(target: try open(t), expected: sample)
        XCTAssertEqual(result.status, .incomplete)
        XCTAssertTrue(result.inconclusive)
        XCTAssertEqual(result.unreadable.count, sample.blocks.count)
        XCTAssertEqual(result.findings.map(\.code), ["unreadable-region"])
        XCTAssertEqual(result.findings[0].evidence["inconclusive"], .bool(true))
    }

    func testUnreadableSourceBlocksAreCarriedIntoTheCheck() throws {
        try fx.sparse("src.img", size: "64M")
        try fx.random("src.img", atMiB: 0, mib: 8)
        let s = try serve("src.img", filters: ["error"], args: ["error-pread=EIO", "error-pread-rate=100%"])
        let sample = ContentSampler.sample(volume: try open(s), probe: nil, seed: 3)
        XCTAssertEqual(sample.blocks, [])
        XCTAssertFalse(sample.unreadable.isEmpty)
        let plain = try serve("src.img")
        let result = ContentSampler.check(target: try open(plain), expected: sample)
        XCTAssertEqual(result.status, .incomplete)
        XCTAssertTrue(result.unreadable.allSatisfy { $0.error?.hasPrefix("source: ") == true })
    }
}

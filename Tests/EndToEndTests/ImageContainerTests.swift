import Foundation
import TestSupport
import XCTest

/// Image containers (issue 9.5): qcow2, VMDK, VHDX and VHD files made by `qemu-img convert`
/// are read as the guest disk through qemu-nbd, never as raw bytes.
final class ImageContainerTests: XCTestCase {
    func scenario() throws -> Scenario {
        if let s = DataPresenceTests.shared { return s }
        let s = try Scenario(script: "make-data-cases.sh")
        DataPresenceTests.shared = s
        return s
    }

    func testInspectSeesTheGuestDiskInEveryContainer() throws {
        let s = try scenario()
        let raw = try Repository.runTool(["inspect", s.image("src2001.img"), "--format", "json"])
        let rawDoc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [String: Any])
        let rawPartitions = try XCTUnwrap(rawDoc["partitions"] as? [[String: Any]])
        for (file, format) in [("src2001.qcow2", "qcow2"), ("src2001.vmdk", "vmdk"), ("src2001.vhdx", "vhdx"),
                               ("src2001.vhd", "vhd"), ("src2001-fixed.vhd", "vhd")] {
            let run = try Repository.runTool(["inspect", s.image(file), "--format", "json"])
            XCTAssertEqual(run.status, 0, "\(file): \(run.stderr)")
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(doc["target"] as? String, "\(s.image(file)) (\(format) via qemu-nbd)")
            XCTAssertEqual(doc["sizeBytes"] as? Int, 256 << 20, file)
            let partitions = try XCTUnwrap(doc["partitions"] as? [[String: Any]])
            XCTAssertEqual(partitions.count, 1, file)
            XCTAssertEqual((partitions[0]["filesystem"] as? [String: Any])?["uuid"] as? String,
                           (rawPartitions[0]["filesystem"] as? [String: Any])?["uuid"] as? String, file)
            XCTAssertEqual(partitions[0]["uuid"] as? String, rawPartitions[0]["uuid"] as? String, file)
        }
    }

    func testVerifyAContainerAgainstItsRawSourceWithFullContent() throws {
        let s = try scenario()
        let inventory = try s.inventory(vm: "ctr1", disks: [(2001, "Hard disk 1", 256 << 20)])
        let run = try VerifyResult(["--inventory", inventory, "--target", "2001=\(s.image("src2001.qcow2"))",
                                    "--source", "2001=\(s.image("src2001.vmdk"))", "--content", "full"],
                                   reportDirectory: s.reportDirectory("container"))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(run.verdict, "pass")
        XCTAssertEqual(run.disk("2001")?["target"] as? String, "\(s.image("src2001.qcow2")) (qcow2 via qemu-nbd)")
    }

    /// An appliance that wrote the image file to the volume instead of the disk it holds: the
    /// export begins with a qcow2 or VMDK header, and a guest would see the container. Over
    /// NBD (where nothing reads through qemu) that fails; next to a source that begins with the
    /// same header (a disk holding an image) it is info, and the content decides.
    func testAnImageFileWrittenToAVolumeFails() throws {
        let s = try scenario()
        let inventory = try s.inventory(vm: "ctr-raw", disks: [(2001, "Hard disk 1", 256 << 20)])
        for (file, format) in [("qcow2-on-vol2001.img", "qcow2"), ("vmdk-on-vol2001.img", "vmdk")] {
            try s.serve("ctr-\(format)", image: file)
            let run = try VerifyResult(["--inventory", inventory, "--target", "2001=\(s.uri("ctr-\(format)"))"],
                                       reportDirectory: s.reportDirectory("ctr-raw-\(format)"))
            XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
            let finding = try XCTUnwrap(run.finding("image-container-on-volume", of: "2001"), "\(run.codes(of: "2001"))")
            XCTAssertEqual(finding["severity"] as? String, "critical")
            XCTAssertEqual((finding["evidence"] as? [String: Any])?["format"] as? String, format)
            XCTAssertFalse(run.allCodes.contains("volume-unrecognised"), "\(run.allCodes)")
            let inspect = try Repository.runTool(["inspect", s.uri("ctr-\(format)"), "--format", "json"])
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(doc["imageContainerHeader"] as? String, format)
        }
        // The source holds the same image bytes: info, and the sampled content matches.
        try s.serve("ctr-src", image: "qcow2-on-vol2001.img")
        let twin = try VerifyResult(["--inventory", inventory, "--target", "2001=\(s.uri("ctr-qcow2"))",
                                     "--source", "2001=\(s.uri("ctr-src"))", "--content", "sample"],
                                    reportDirectory: s.reportDirectory("ctr-raw-twin"))
        XCTAssertEqual(twin.status, 0, twin.stdout + twin.stderr)
        XCTAssertEqual(twin.finding("image-container-on-volume", of: "2001")?["severity"] as? String, "info")
    }

    func testWithoutQemuNBDTheToolRefusesWithExit2AndTheCommand() throws {
        let s = try scenario()
        let empty = try TemporaryDirectory.make(prefix: "nopath")
        defer { try? FileManager.default.removeItem(at: empty) }
        let env = ["PATH": empty.path]
        let inspect = try Tools.run(try Repository.binary(), ["inspect", s.image("src2001.vhdx")], check: false, environment: env)
        XCTAssertEqual(inspect.status, 2, inspect.stderr)
        XCTAssertTrue(inspect.stderr.contains("VHDX image container"), inspect.stderr)
        XCTAssertTrue(inspect.stderr.contains("qemu-nbd --read-only --persistent --shared=4 --format=vhdx"), inspect.stderr)
        let inventory = try s.inventory(vm: "ctr2", disks: [(2001, "Hard disk 1", 256 << 20)])
        let verify = try Tools.run(try Repository.binary(),
                                   ["verify", "--inventory", inventory, "--target", "2001=\(s.image("src2001.qcow2"))",
                                    "--report-dir", s.reportDirectory("nopath")], check: false, environment: env)
        XCTAssertEqual(verify.status, 2, verify.stderr)
        XCTAssertTrue(verify.stderr.contains("--format=qcow2"), verify.stderr)
    }

    func testAVMDKDescriptorWithItsFlatExtentAndOneWhoseExtentIsMissing() throws {
        let s = try scenario()
        let dir = try TemporaryDirectory.make(prefix: "vmdk-desc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let descriptor = dir.appendingPathComponent("disk.vmdk").path
        try Tools.run("qemu-img", ["convert", "-q", "-f", "raw", "-O", "vmdk", "-o", "subformat=monolithicFlat",
                                   s.image("src2001.img"), descriptor])
        let size = (try FileManager.default.attributesOfItem(atPath: descriptor)[.size] as? Int) ?? 0
        XCTAssertLessThan(size, 1024, "a descriptor is a small text file")
        let run = try Repository.runTool(["inspect", descriptor, "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(doc["target"] as? String, "\(descriptor) (vmdk via qemu-nbd)")
        XCTAssertEqual((doc["partitions"] as? [[String: Any]])?.count, 1)
        // Without its extent the image cannot be served: an error naming qemu-nbd, never a raw parse.
        try FileManager.default.removeItem(atPath: dir.appendingPathComponent("disk-flat.vmdk").path)
        let broken = try Repository.runTool(["inspect", descriptor])
        XCTAssertEqual(broken.status, 3, broken.stdout)
        XCTAssertTrue(broken.stderr.contains("qemu-nbd could not serve this VMDK image"), broken.stderr)
    }
}

import XCTest
import TestSupport
@testable import BlockAccess

/// Faults made real with nbdkit filters: slow, failing, dying, refusing and lying servers.
final class FaultTests: XCTestCase {
    var dir: URL!
    var image: String!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory.make(prefix: "faults")
        image = dir.appendingPathComponent("disk.img").path
        try Tools.sh("truncate -s 16M '\(image!)'; head -c 1M /dev/urandom | dd of='\(image!)' conv=notrunc status=none")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testSlowServerEndsInTimeoutNotHang() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image!)", "rdelay=10"], filters: ["delay"])
        let v = try VolumeOpener.open(server.uri(), options: VolumeOptions(timeout: .seconds(1)))
        let start = Date()
        XCTAssertThrowsError(try v.read(at: 0, count: 512)) { e in
            XCTAssertEqual((e as? VolumeError)?.kind, .timeout, "\(e)")
            XCTAssertTrue("\(e)".contains("--timeout"), "\(e)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        // The connection is not reused after a timeout: the late reply must never land in a freed buffer.
        XCTAssertThrowsError(try v.read(at: 0, count: 512)) { XCTAssertEqual(($0 as? VolumeError)?.kind, .closed) }
    }

    func testServerKilledMidSessionGivesClearError() throws {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image!)"])
        let v = try VolumeOpener.open(server.uri(), options: VolumeOptions(timeout: .seconds(5)))
        XCTAssertEqual(try v.read(at: 0, count: 16).count, 16)
        server.kill()
        let start = Date()
        XCTAssertThrowsError(try v.read(at: 4096, count: 4096)) { e in
            let kind = (e as? VolumeError)?.kind
            XCTAssertTrue(kind == .readFailed || kind == .closed, "\(e)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testFailingReadsCarryEIOAndLeaveTheConnectionUsable() throws {
        // EIO on every read inside the second MiB only.
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image!)", "error-pread=EIO", "error-pread-rate=100%",
                                                             "error-file=\(dir.path)/trigger"], filters: ["error"])
        let v = try VolumeOpener.open(server.uri())
        XCTAssertEqual(try v.read(at: 0, count: 512).count, 512)
        try Data().write(to: dir.appendingPathComponent("trigger"))
        XCTAssertThrowsError(try v.read(at: 0, count: 512)) { e in
            let err = e as? VolumeError
            XCTAssertEqual(err?.kind, .readFailed, "\(e)")
            XCTAssertEqual(err?.errno, EIO, "\(e)")
        }
        try FileManager.default.removeItem(atPath: "\(dir.path)/trigger")
        XCTAssertEqual(try v.read(at: 0, count: 512).count, 512)
    }

    func testServerRefusingTheConnectionIsRetriedThenUnreachable() throws {
        // The limit filter refuses a second client while the first is connected.
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image!)", "limit=1"], filters: ["limit"])
        let first = try VolumeOpener.open(server.uri())
        let options = VolumeOptions(timeout: .seconds(2), connectRetries: 2, retryDelay: .milliseconds(50))
        XCTAssertThrowsError(try VolumeOpener.open(server.uri(), options: options)) { e in
            XCTAssertEqual((e as? VolumeError)?.kind, .unreachable, "\(e)")
            XCTAssertTrue("\(e)".contains("after 3 attempts"), "\(e)")
        }
        first.close()
    }

    func testShortReadsFromTheServerAreAnError() throws {
        // A plugin that answers every read with half the bytes asked for.
        let script = """
            case "$1" in
              get_size) echo 1048576 ;;
              pread) head -c $(( $3 / 2 )) /dev/zero ;;
              can_write) exit 3 ;;
              *) exit 2 ;;
            esac
            """
        let path = dir.appendingPathComponent("short.sh").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try Tools.sh("chmod +x '\(path)'")
        let server = try NBDKitServer(plugin: "sh", args: [path])
        let v = try VolumeOpener.open(server.uri())
        XCTAssertThrowsError(try v.read(at: 0, count: 4096)) { e in
            XCTAssertEqual((e as? VolumeError)?.kind, .readFailed, "\(e)")
        }
    }

    func testTLSWithPSKAndRequireTLS() throws {
        let psk = dir.appendingPathComponent("keys.psk").path
        try Tools.run("psktool", ["-u", "auditor", "-p", psk])
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image!)"],
                                      extraOptions: ["--tls=require", "--tls-psk=\(psk)"])
        let uri = "nbds+unix://auditor@/?socket=\(server.socketPath)&tls-psk-file=\(psk)"
        let v = try VolumeOpener.open(uri, options: VolumeOptions(requireTLS: true))
        XCTAssertEqual(v.sizeBytes, 16 << 20)
        XCTAssertEqual(try v.read(at: 0, count: 512).count, 512)
        XCTAssertFalse(v.displayName.contains(psk), v.displayName)
        // Plaintext to a TLS-only server is refused by the server…
        XCTAssertThrowsError(try VolumeOpener.open(server.uri(), options: VolumeOptions(connectRetries: 0)))
        // …and --require-tls refuses plaintext targets before connecting.
        XCTAssertThrowsError(try VolumeOpener.open(server.uri(), options: VolumeOptions(requireTLS: true))) {
            XCTAssertEqual(($0 as? VolumeError)?.kind, .tlsRequired)
        }
        XCTAssertThrowsError(try VolumeOpener.open(image, options: VolumeOptions(requireTLS: true))) {
            XCTAssertEqual(($0 as? VolumeError)?.kind, .tlsRequired)
        }
    }

    func testImageWithoutWritePermissionOpens() throws {
        try Tools.sh("chmod 0444 '\(image!)'")
        let v = try VolumeOpener.open(image)
        XCTAssertEqual(try v.read(at: 0, count: 512).count, 512)
    }
}

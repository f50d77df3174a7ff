import ArgumentParser
import AuditCore
import BlockAccess
import DiskProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `replica-audit inspect TARGET [--format text|json]`: probes one volume read-only and
/// prints its partition table, signatures, raw GPT/MBR witnesses and findings.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a volume's partition table, signatures and raw GPT/MBR witnesses.",
        discussion: """
            TARGET is an NBD URI (nbd://host[:port]/export, nbd+unix:///export?socket=PATH, \
            nbds://… with libnbd's TLS query parameters) or the path of an image file or block \
            device. The volume is only read: no write, trim, zero or flush is ever sent.

            The partition table is read with libfdisk, signatures with libblkid (on the whole \
            disk and inside each partition), and the MBR and GPT headers are also decoded \
            directly — the primary, the backup where the primary places it, and whatever \
            header sits at the device's last LBA — with their CRCs and SHA-256 hashes.

            --format json prints the probe result (sorted keys): target, sizeBytes, sectorSize, \
            partitionTable (null when there is none; impliedDiskBytes is the size the label was \
            written for), partitions, filesystem, witnesses, regionsRead, unreadableRegions, findings, \
            and logicalVolumes when an LVM PV on the volume has LVs.

            Findings that need no inventory: gpt-crc-invalid, gpt-entries-array-invalid, \
            gpt-header-mismatch, gpt-backup-misplaced, gpt-entry-size-nonstandard, \
            stale-label-at-end, label-size-differs-from-device (informational: a volume may be \
            larger than its source), label-sector-size-mismatch, partition-past-device-end, \
            partitions-overlap, partition-readers-disagree, mbr-hybrid, mbr-protective-malformed, \
            protective-mbr-without-gpt, dos-ebr-chain-broken, ambiguous-signature, \
            filesystem-larger-than-container, unreadable-region, probe-incomplete, \
            volume-blank (no data and no label: was it ever written?), \
            copy-incomplete (data stops before what the label or a filesystem promises: partitions, \
            the backup GPT, a filesystem's last backup superblock; or regions never written inside \
            the data), volume-label-only (a partition table and nothing in its partitions: a copy \
            that wrote only the label, or a disk never formatted), volume-unrecognised (data, but \
            no label or signature), image-container-on-volume (an image file written to the \
            volume byte for byte). Filesystems inside LVM logical volumes are checked as \
            partitions are. `replica-audit findings` lists every code with what to do.

            A qcow2, VMDK, VHD, VHDX or VDI file is read as the guest disk it holds, through \
            qemu-nbd started read-only (exit 2 with the command to serve it when qemu-nbd is missing).

            Exit codes: 0 the volume was probed (findings do not change it), 2 usage error, \
            3 the target could not be opened, whatever the cause (unreachable, refused, not an \
            image or device, an unsupported URI, TLS refused), or could not be read completely \
            (the incomplete result is still printed).
            """)

    /// The examples that end this command's help page.
    static let examples = [
        "replica-audit inspect nbd+unix:///vol-a?socket=/run/nbd/vol-a.sock",
        "replica-audit inspect /dev/vdb --format json",
    ]

    @Argument(help: "NBD URI, image file or block device to inspect.")
    var target: String

    @Option(help: "Output format: text (like fdisk -l plus blkid plus the witnesses) or json.")
    var format: OutputFormat = .text

    @Flag(name: .shortAndLong, help: ArgumentHelp(
        "Also print how the volume was read: round trips, regions and bytes read, time taken.",
        discussion: "A round trip is one round of requests sent together and waited for together; over a slow link "
            + "the probe's time is about round trips × the link's latency (docs/PROBE.md, \"Round trips\"). "
            + "With --format json the line goes to standard error; roundTrips is in the JSON either way."))
    var verbose = false

    @OptionGroup var volume: VolumeOptionsGroup

    func run() throws {
        // An image container with no qemu-nbd to serve it is refused, not "cannot open":
        // the message gives the command that serves it (README, "Targets").
        if let parsed = try? Target(parsing: target), let refusal = ImageContainer.unservable(parsed) {
            printError("replica-audit inspect: \(refusal)")
            throw ExitCode(2)
        }
        let opened: any Volume
        do {
            opened = try VolumeOpener.open(target, options: volume.volumeOptions)
        } catch {
            // One exit code for "cannot open", whatever the cause (README, "Exit codes").
            printError("replica-audit inspect: cannot open \(error)")
            if error.kind == .timeout || error.message.contains("no answer from the server") {
                printError("note: the server did not answer within \(Int(volume.timeout)) s; if it is only slow, run inspect again "
                           + "with a larger --timeout (e.g. --timeout \(Int(volume.timeout) * 4))")
            }
            throw ExitCode(3)
        }
        defer { opened.close() }
        let result: ProbeResult
        let started = ContinuousClock.now
        do {
            result = try DiskProber.probe(opened)
        } catch {
            printError("replica-audit inspect: cannot probe \(opened.displayName): \(error)")
            throw ExitCode(3)
        }
        switch format {
        case .json:
            StandardStream.output.write(try JSONOutput.document(result))
        case .text:
            StandardStream.output.write(ProbeTextView.render(result))
        }
        if verbose {
            let elapsed = ContinuousClock.now - started
            let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            let bytes = result.regionsRead.reduce(UInt64(0)) { $0 + $1.length }
            let line = "probe: \(result.roundTrips ?? 0) round trips, \(result.regionsRead.count) regions (\(bytes) bytes) read, "
                + "\(ms) ms\n"
            (format == .json ? StandardStream.error : StandardStream.output).write(Data(line.utf8))
        }
        if !result.isComplete {
            printError("replica-audit inspect: \(result.unreadableRegions.count) region(s) of \(opened.displayName) could not be read; the result is incomplete")
            throw ExitCode(3)
        }
    }
}

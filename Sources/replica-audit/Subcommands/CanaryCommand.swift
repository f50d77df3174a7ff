import ArgumentParser
import Canary
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `canary create` and `canary advance` (issue 14; docs/CANARY.md): a VM whose disks prove
/// their own content, so `verify --canary` checks a copy completely without the source.
struct CanaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canary",
        abstract: "Make canary disks whose blocks prove their own content (for regression gating).",
        discussion: """
            'canary create' writes, per disk, a sparse raw image KEY.img with its own GPT (disk GUID, \
            partition count and sizes derived from the key and --seed), small FAT and ext4 filesystems, \
            and 4 KiB canary blocks (magic, VM, disk key, own byte offset, generation, HMAC-SHA-256) \
            at every partition's first and last MiB, every 64 MiB through the disk and in its last \
            MiB; and DIR/canary.json, the manifest (also an inventory). Replicate the images with the \
            tool under test, then check the copies with 'verify --canary DIR/canary.json'.

            'canary advance' rewrites a seeded fraction of the blocks with the next generation, as a \
            guest's writes between two incremental (CBT) syncs would.

            Exit codes: 0 done, 2 usage or input error.
            """,
        subcommands: [Create.self, Advance.self])

    static let examples = [
        "replica-audit canary create --vm canary1 --disk '2000:115GiB:Hard disk 1' --disk '2001:10GiB:Hard disk 2' --output canary1",
        "replica-audit canary create --vm canary1 --disk 2000:20G --output canary1 --image-format vmdk   # then: govc import.vmdk canary1/2000.vmdk",
        "replica-audit verify --canary canary1/canary.json --nbd-targets 2000:nbd://10.0.0.5/vol-a,2001:nbd://10.0.0.5/vol-b",
        "replica-audit canary advance canary1 --fraction 0.1",
    ]

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Write canary disk images and their manifest (DIR/canary.json).")

        @Option(help: "The VM's name (recorded in every block and in the manifest).")
        var vm: String

        @Option(name: .customLong("disk"), help: "A disk as KEY:SIZE[:LABEL], e.g. '2000:115GiB:Hard disk 1' (sizes: 115GiB, 10G, 512M, 1.5GiB, bytes; binary units); repeatable.")
        var disks: [String] = []

        @Option(help: "The directory to write into (created if absent; must not hold a canary yet).")
        var output: String

        @Option(name: .customLong("image-format"), help: "Also write KEY.qcow2 or a streamOptimized KEY.vmdk (for 'govc import.vmdk') next to the raw KEY.img: raw, qcow2 or vmdk.")
        var imageFormat: String = "raw"

        @Option(help: "Seed of the layouts (partition count and sizes, GUIDs); default random, recorded in the manifest.")
        var seed: UInt64?

        func validate() throws {
            if disks.isEmpty { throw ValidationError("give at least one --disk KEY:SIZE[:LABEL]") }
            if !CanaryImages.formats.contains(imageFormat) { throw ValidationError("--image-format must be raw, qcow2 or vmdk") }
        }

        func run() throws {
            do {
                var specs: [CanaryImages.DiskSpec] = []
                for disk in disks { specs.append(try CanaryImages.DiskSpec.parse(disk)) }
                let manifest = try CanaryImages.create(vm: vm, disks: specs, output: output, imageFormat: imageFormat, seed: seed)
                print("canary \(manifest.vm.name) (seed \(manifest.seed)) in \(output):")
                for disk in manifest.disks {
                    let files = manifest.imageFormats.map { $0 == "raw" ? disk.image : "\(disk.key).\($0)" }.joined(separator: ", ")
                    print("  disk \(disk.key)\(disk.label.map { " (\($0))" } ?? ""): \(disk.capacityBytes) bytes, "
                          + "\(disk.partitions.count) partitions, \(disk.blockCount) canary blocks, disk GUID \(disk.diskGUID): \(files)")
                }
                print("manifest: \(output)/\(CanaryManifest.fileName) (keep it: its secret seals the blocks)")
            } catch {
                printError("replica-audit: \(error.message)")
                throw ExitCode(2)
            }
        }
    }

    struct Advance: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "advance",
            abstract: "Rewrite a seeded fraction of the canary blocks with the next generation (images and manifest).")

        @Argument(help: "The canary's directory (holds canary.json and the images).")
        var directory: String

        @Option(help: "The fraction of each disk's blocks to rewrite (above 0, at most 1; at least one block per disk).")
        var fraction: Double = 0.1

        @Option(help: "Seed of the choice of blocks; default random, printed.")
        var seed: UInt64?

        func validate() throws {
            guard fraction > 0, fraction <= 1 else { throw ValidationError("--fraction must be above 0 and at most 1") }
        }

        func run() throws {
            do {
                let result = try CanaryImages.advance(directory: directory, fraction: fraction, seed: seed)
                print("canary \(result.manifest.vm.name) advanced to generation \(result.manifest.generation) (seed \(result.seed)):")
                for disk in result.manifest.disks {
                    print("  disk \(disk.key): \(result.rewritten[disk.key] ?? 0) of \(disk.blockCount) blocks rewritten")
                }
            } catch {
                printError("replica-audit: \(error.message)")
                throw ExitCode(2)
            }
        }
    }
}

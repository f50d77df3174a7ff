import ArgumentParser
import AuditCore
import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Verification

/// `devices`: the forensic `lsblk` (README.md, "Attached volumes by volume ID").
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the attached whole disks: path, size, by-id links, label, implied disk size, signatures.",
        discussion: """
            Every whole disk reachable through --by-id-dir (default /dev/disk/by-id; then /sys/block's \
            disks are listed too) is opened read-only and probed. -partN links and links to partitions \
            are left out; dangling links and link loops are listed as unusable. Exit codes: 0 listed, \
            2 usage error or a directory that cannot be read.
            """)

    @Option(name: .customLong("by-id-dir"), help: "The directory of by-id links (default /dev/disk/by-id).")
    var byIdDir: String = VolumeIDResolver.defaultDirectory

    @Option(help: "Output: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var volume: VolumeOptionsGroup

    func run() throws {
        let survey: DeviceSurvey.Survey
        do {
            let standard = URL(fileURLWithPath: byIdDir).standardizedFileURL.path == VolumeIDResolver.defaultDirectory
            if standard, !FileManager.default.fileExists(atPath: byIdDir) {
                // No udev (a container, a minimal appliance): the disks are still in /sys/block.
                survey = DeviceSurvey.systemDisks(options: volume.volumeOptions)
            } else {
                survey = try DeviceSurvey.survey(directory: byIdDir, includeSysBlock: standard, options: volume.volumeOptions)
            }
        } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
        switch format {
        case .text:
            print(DeviceSurvey.text(survey))
        case .json:
            StandardStream.output.write(try JSONOutput.document(survey))
        }
    }
}

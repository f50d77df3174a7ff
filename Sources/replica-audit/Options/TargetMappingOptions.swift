import ArgumentParser
import SourceInventory

/// The destination volumes of `verify` and `preflight`: `--nbd-targets SPEC`, repeatable
/// `--target KEY=TARGET` and `--volume KEY=VOLUME_ID` (with `--by-id-dir`), validated once
/// (README.md, "Commands").
struct TargetMappingOptions: ParsableArguments {
    @Option(name: .customLong("nbd-targets"), help: "Destination volumes as KEY:URI pairs, e.g. 2000:nbd://host/vol0,2001:nbd://host/vol1.")
    var nbdTargets: String?

    @Option(name: .customLong("target"), help: "One destination volume as KEY=TARGET; repeatable.")
    var targets: [String] = []

    @OptionGroup var volumeIDs: VolumeIDOptions

    func validate() throws {
        if nbdTargets == nil, targets.isEmpty, !volumeIDs.given {
            throw ValidationError("give the destination volumes with --nbd-targets, --target or --volume")
        }
        if nbdTargets != nil, !targets.isEmpty { throw ValidationError("give the destinations either as --nbd-targets or as --target, not both") }
    }

    /// The parsed target assignments, then those of `--volume` resolved in `--by-id-dir`
    /// (nil when none was given); a bad pair or volume prints one line and exits 2.
    /// `keepUnknown` (preflight) keeps keys the VM lacks, for the `unknown-disk` finding.
    func assignments(inventory: Inventory, keepUnknown: Bool = false) throws -> (assignments: [TargetAssignment], resolved: VolumeMapping.Resolved?) {
        var assignments = try nbdTargets == nil && targets.isEmpty ? [] : parseDiskMapping(
            spec: nbdTargets, items: targets, inventory: inventory, option: nbdTargets != nil ? "--nbd-targets" : "--target",
            keepUnknown: keepUnknown)
        let resolved = try volumeIDs.given ? volumeIDs.resolve(besides: assignments) : nil
        assignments += resolved?.assignments ?? []
        return (assignments, resolved)
    }
}

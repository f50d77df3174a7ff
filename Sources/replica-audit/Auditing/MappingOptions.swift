import ArgumentParser
import BlockAccess
import SourceInventory

/// `--inventory`/`--vm` (with `--ovf-configuration`/`--ovf-property`) and the two spellings of a source mapping, shared by `verify` and
/// `capture`.
struct InventorySelection: ParsableArguments {
    @Option(help: "The source inventory (govc vm.info/device.info JSON, vSphere REST, OVF, VMX, a manifest, or a canary's canary.json).")
    var inventory: String?

    @Option(help: "The VM to use when the inventory holds several.")
    var vm: String?

    @OptionGroup var ovf: OVFOptions

    /// The inventory's path: --inventory, else `implied` (verify's --canary manifest is one).
    func path(implied: String? = nil) throws -> String {
        guard let path = inventory ?? implied else {
            throw ValidationError("give the source inventory with --inventory FILE")
        }
        return path
    }

    /// Loads the inventory, or prints the reader's error and exits 2.
    func load(implied: String? = nil) throws -> Inventory {
        let options = try ovf.inventoryOptions()
        let inventory = try path(implied: implied)
        do {
            return try InventoryLoader.load(path: inventory, vm: vm, options: options)
        } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
    }
}

/// `--nbd-sources SPEC` or repeatable `--source KEY=TARGET`.
struct SourceMappingOptions: ParsableArguments {
    @Option(name: .customLong("nbd-sources"), help: "Source disks as KEY:URI pairs, e.g. 2000:nbd://host/src0,2001:nbd://host/src1.")
    var nbdSources: String?

    @Option(name: .customLong("source"), help: "One source disk as KEY=TARGET; repeatable.")
    var sources: [String] = []

    var given: Bool { nbdSources != nil || !sources.isEmpty }

    func validate() throws {
        if nbdSources != nil, !sources.isEmpty {
            throw ValidationError("give the sources either as --nbd-sources or as --source, not both")
        }
    }

    /// The parsed source assignments, resolved against `inventory`, or the error and exit 2.
    func assignments(inventory: Inventory) throws -> [TargetAssignment] {
        try parseDiskMapping(spec: nbdSources, items: sources, inventory: inventory, option: nbdSources != nil ? "--nbd-sources" : "--source")
    }
}

/// Parses `SPEC` (`KEY:TARGET,…`) or `KEY=TARGET` items, with disk labels allowed for keys
/// and every key resolved against `inventory`. A pair that does not parse or names a disk
/// the VM lacks is an input error: the pair is quoted and the exit code is 2, before any
/// volume is read (README, "Exit codes").
/// `keepUnknown` (preflight) keeps keys the VM lacks, for the `unknown-disk` finding.
func parseDiskMapping(spec: String?, items: [String], inventory: Inventory, option: String,
                      keepUnknown: Bool = false) throws -> [TargetAssignment] {
    do {
        if let spec { return try TargetMapping.parse(nbdTargets: spec, inventory: inventory, keepUnknown: keepUnknown) }
        return try TargetMapping.parse(keyEquals: items, inventory: inventory, keepUnknown: keepUnknown)
    } catch {
        printError("replica-audit: \(option) \(error)")
        throw ExitCode(2)
    }
}

/// `--volume KEY=VOLUME_ID` (repeatable) and `--by-id-dir DIR`, shared by `verify`, `capture`
/// and `preflight` (README.md, "Attached volumes by volume ID").
struct VolumeIDOptions: ParsableArguments {
    @Option(name: .customLong("volume"), help: "One disk as KEY=VOLUME_ID: the cloud volume ID, found in --by-id-dir; repeatable, mixes with --target.")
    var volumes: [String] = []

    @Option(name: .customLong("by-id-dir"), help: "Where --volume looks for the volumes' links (default /dev/disk/by-id).")
    var byIdDir: String = VolumeIDResolver.defaultDirectory

    var given: Bool { !volumes.isEmpty }

    /// Parses and resolves every `--volume`; a malformed ID, a missing directory, a duplicated
    /// key or an ambiguous volume prints one line and exits 2.
    func resolve(besides assignments: [TargetAssignment]) throws -> VolumeMapping.Resolved {
        do {
            let requests = try VolumeMapping.parse(volumes)
            try VolumeMapping.checkDistinct(requests, from: assignments)
            return try VolumeMapping.resolve(requests, directory: byIdDir)
        } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
    }
}

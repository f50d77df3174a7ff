import ArgumentParser
import SourceInventory

/// `--inventory`/`--vm` and the two spellings of a source mapping, shared by `verify` and
/// `capture`.
struct InventorySelection: ParsableArguments {
    @Option(help: "The source inventory (govc vm.info/device.info JSON, vSphere REST, OVF, VMX, or a manifest).")
    var inventory: String

    @Option(help: "The VM to use when the inventory holds several.")
    var vm: String?

    /// Loads the inventory, or prints the reader's error and exits 2.
    func load() throws -> Inventory {
        do {
            return try InventoryLoader.load(path: inventory, vm: vm)
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
func parseDiskMapping(spec: String?, items: [String], inventory: Inventory, option: String) throws -> [TargetAssignment] {
    do {
        if let spec { return try TargetMapping.parse(nbdTargets: spec, inventory: inventory) }
        return try TargetMapping.parse(keyEquals: items, inventory: inventory)
    } catch {
        printError("replica-audit: \(option) \(error)")
        throw ExitCode(2)
    }
}

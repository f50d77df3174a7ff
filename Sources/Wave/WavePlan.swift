import AuditCore
import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Reporting
import SourceInventory
import Verification

/// One VM of a wave, ready to verify: everything `verify` would check before reading a volume
/// has been checked (README.md, "A wave"), with verify's own parsers: the inventory
/// (`InventoryLoader`), the mappings (`TargetMapping`, `VolumeMapping`), the references
/// (`ReferenceChoice`, `Baseline`, `PreflightReports`) and the mapping checks that stop a run
/// (`MappingCheck.targetsThatAreSources`, `ImageContainer.unservable`).
public struct WaveVM: Sendable {
    /// The entry as written (its index names it in messages).
    public var entry: WaveFile.Entry
    /// The inventory file, resolved against the wave file's directory.
    public var inventoryPath: String
    public var inventory: Inventory
    /// `targets`, then the volumes found by ID.
    public var targets: [TargetAssignment]
    /// `volumes`, resolved in `by_id_dir`; nil without `volumes`.
    public var volumes: VolumeMapping.Resolved?
    public var sources: [TargetAssignment]
    public var baseline: Baseline?
    public var baselinePath: String?
    /// "verified: key …" when `baseline_public_key` checked the baseline's signature.
    public var baselineSignature: String?
    public var preflight: PreflightReport?
    public var preflightPath: String?
    public var content: ContentMode?
    public var seed: UInt64?
    /// The VM's report folder inside the wave's report directory.
    public var folder: String

    /// The VM's name as the inventory gives it.
    public var name: String { inventory.vm.name }

    /// How many distinct volumes the VM's run may open (targets and sources), at least 1.
    public var volumeCount: Int {
        Set((targets + sources).map(\.target.identity)).count
    }

    /// Whether the run keeps its probe connections open for a content comparison (README.md,
    /// "One-client servers"): then every volume holds a connection until the VM is done.
    public var holdsConnections: Bool {
        content != ContentMode.none && (!sources.isEmpty || baseline != nil)
    }
}

/// A wave file checked whole: every VM ready to verify, or the first error.
public struct WavePlan: Sendable {
    public var file: String
    public var name: String
    public var vms: [WaveVM]

    /// Checks the wave file and every entry before any volume is read; the first problem
    /// throws, naming the entry (index and VM) and the field. Relative paths (inventory,
    /// baseline, preflight, by_id_dir, file targets and sources) are relative to the wave
    /// file's directory.
    public static func prepare(path: String) throws(WaveFileError) -> WavePlan {
        let wave = try WaveFile.load(path: path)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        var vms: [WaveVM] = []
        vms.reserveCapacity(wave.vms.count)
        var byName: [String: String] = [:]
        var folders = Set<String>()
        var owners: [String: (entry: String, key: String)] = [:]
        for entry in wave.vms {
            var vm = try prepare(entry, wave: wave, base: base, file: path)
            let fail = { (field: String, message: String) in WaveFileError(file: path, entry: "vms[\(entry.index)] (\(vm.name))", field: field, message: message) }
            if let earlier = byName[vm.name] {
                throw fail(entry.vm == nil ? "inventory" : "vm", "VM \(vm.name) is already listed as \(earlier); list each VM once per wave")
            }
            byName[vm.name] = "vms[\(entry.index)]"
            // Two VMs on one volume: the seed incident across VMs. Refused before reading.
            for assignment in vm.targets {
                let identity = volumeIdentity(assignment.target)
                if let owner = owners[identity] {
                    throw fail(entry.volumes.contains { $0.key == assignment.key } ? "volumes.\(assignment.key)" : "targets",
                               "disk \(assignment.key)'s target \(assignment.target.redacted) is also the target of disk \(owner.key) of \(owner.entry): "
                               + "two VMs cannot be verified on one volume; correct the mapping")
                }
                owners[identity] = ("vms[\(entry.index)] (\(vm.name))", assignment.key)
            }
            vm.folder = folderName(vm.name, index: entry.index, taken: folders)
            folders.insert(vm.folder)
            vms.append(vm)
        }
        return WavePlan(file: path, name: wave.name, vms: vms)
    }

    /// One entry, checked and resolved.
    private static func prepare(_ entry: WaveFile.Entry, wave: WaveFile, base: URL, file: String) throws(WaveFileError) -> WaveVM {
        var name = entry.name
        func fail(_ field: String?, _ message: String) -> WaveFileError {
            WaveFileError(file: file, entry: name, field: field, message: message)
        }
        let inventoryPath = resolve(entry.inventory, base: base)
        let options: InventoryOptions
        do {
            options = InventoryOptions(ovfConfiguration: entry.ovfConfiguration,
                                       ovfProperties: try InventoryOptions.parseProperties(entry.ovfProperties.map { "\($0.key)=\($0.value)" }))
        } catch {
            throw fail("ovf_properties", error.description)
        }
        let inventory: Inventory
        do {
            inventory = try InventoryLoader.load(path: inventoryPath, vm: entry.vm, options: options)
        } catch {
            throw fail(entry.vm != nil && error.message.contains(entry.vm ?? "") ? "vm" : "inventory", error.description)
        }
        name = "vms[\(entry.index)] (\(inventory.vm.name))"

        var targets: [TargetAssignment] = []
        if let mapping = entry.targets {
            do { targets = try assignments(mapping, inventory: inventory, base: base) } catch { throw fail("targets", error.description) }
        }
        var volumes: VolumeMapping.Resolved?
        if !entry.volumes.isEmpty {
            let directory = resolve(entry.byIdDir ?? wave.byIdDir ?? VolumeIDResolver.defaultDirectory, base: base)
            do {
                let requests = try VolumeMapping.parse(entry.volumes.map { "\($0.key)=\($0.value)" })
                try VolumeMapping.checkDistinct(requests, from: targets)
                volumes = try VolumeMapping.resolve(requests, directory: directory)
            } catch {
                throw fail("volumes", error.description)
            }
            targets += volumes?.assignments ?? []
        } else if entry.byIdDir != nil {
            throw fail("by_id_dir", "is given without volumes; by_id_dir is where volumes are looked up")
        }
        guard !targets.isEmpty || volumes != nil else {
            throw fail("targets", "is missing: give the destination volumes as targets (\"KEY:TARGET,…\" or {KEY: TARGET}) or volumes ({KEY: VOLUME_ID})")
        }
        var sources: [TargetAssignment] = []
        if let mapping = entry.sources {
            do { sources = try assignments(mapping, inventory: inventory, base: base) } catch { throw fail("sources", error.description) }
        }
        if let finding = MappingCheck.targetsThatAreSources(targets: targets, sources: sources).first {
            throw fail("sources", "\(finding.code): \(finding.message)")
        }
        for (field, list) in [("targets", targets), ("sources", sources)] {
            if let refusal = list.lazy.compactMap({ ImageContainer.unservable($0.target) }).first {
                throw fail(field, refusal.description)
            }
        }

        let contentText = entry.content ?? wave.content
        var content: ContentMode?
        if let contentText {
            guard let mode = ContentMode(rawValue: contentText) else {
                throw fail("content", "'\(contentText)' is not a content mode; expected none, sample or full")
            }
            // The wave's default asks for a comparison only where there is something to compare with.
            content = entry.content == nil && mode != .none && sources.isEmpty && entry.baseline == nil ? ContentMode.none : mode
        }
        switch ReferenceChoice.problem(content: content, hasSources: !sources.isEmpty, hasBaseline: entry.baseline != nil) {
        case .sourcesAndBaseline?: throw fail("baseline", "replaces the sources; give sources or a baseline, not both")
        case .contentWithoutReference(let mode)?:
            throw fail("content", "\(mode.rawValue) needs sources or a baseline to compare with")
        case .fullWithBaseline?:
            throw fail("content", "full compares every byte with the live sources; a baseline holds only samples (use content: sample)")
        case nil: break
        }

        var baseline: Baseline?
        let baselinePath = entry.baseline.map { resolve($0, base: base) }
        if let baselinePath {
            do { baseline = try Baseline.load(path: baselinePath) } catch { throw fail("baseline", error.description) }
        }
        var baselineSignature: String?
        if let keyPath = entry.baselinePublicKey.map({ resolve($0, base: base) }) {
            guard let baselinePath else { throw fail("baseline_public_key", "checks the signature of a baseline; give the baseline too") }
            switch BaselineSignature.check(baseline: baselinePath, publicKey: keyPath) {
            case .success(let verified): baselineSignature = verified
            case .failure(let failure): throw fail(failure.aboutKey ? "baseline_public_key" : "baseline", failure.description)
            }
        }
        var preflight: PreflightReport?
        let preflightPath = entry.preflight.map { resolve($0, base: base) }
        if let preflightPath {
            do { preflight = try PreflightReports.load(path: preflightPath) } catch { throw fail("preflight", "\(error)") }
        }
        return WaveVM(entry: entry, inventoryPath: inventoryPath, inventory: inventory, targets: targets, volumes: volumes,
                      sources: sources, baseline: baseline, baselinePath: baselinePath, baselineSignature: baselineSignature, preflight: preflight,
                      preflightPath: preflightPath, content: content, seed: entry.seed, folder: "")
    }

    /// A mapping in either form, parsed by verify's own parser; file paths made absolute
    /// against the wave file's directory.
    private static func assignments(_ mapping: WaveFile.Mapping, inventory: Inventory, base: URL) throws(MappingError) -> [TargetAssignment] {
        let parsed: [TargetAssignment]
        switch mapping {
        case .spec(let spec): parsed = try TargetMapping.parse(nbdTargets: spec, inventory: inventory)
        case .pairs(let pairs): parsed = try TargetMapping.parse(keyEquals: pairs.map { "\($0.key)=\($0.value)" }, inventory: inventory)
        }
        return parsed.map { assignment in
            guard case .file(let path) = assignment.target, !path.hasPrefix("/") else { return assignment }
            let absolute = resolve(path, base: base)
            return TargetAssignment(key: assignment.key, text: absolute, target: .file(path: absolute))
        }
    }

    /// `path` against `base` unless absolute.
    static func resolve(_ path: String, base: URL) -> String {
        path.hasPrefix("/") ? path : base.appendingPathComponent(path).standardizedFileURL.path
    }

    /// What makes two targets one volume: the same file (device and inode) or block device
    /// (st_rdev), else the target's identity (server and export, socket, path).
    static func volumeIdentity(_ target: Target) -> String {
        if case .file(let path) = target {
            var info = stat()
            if stat(path, &info) == 0 {
                return (info.st_mode & S_IFMT) == S_IFBLK ? "block:\(info.st_rdev)" : "file:\(info.st_dev):\(info.st_ino)"
            }
        }
        return target.identity
    }

    /// A folder name for the VM: its name with anything but letters, digits, '-', '_' and
    /// '.' replaced by '_' (never "." or ".."), suffixed with the entry index when taken.
    static func folderName(_ name: String, index: Int, taken: Set<String>) -> String {
        var safe = String(name.prefix(100).map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        if safe.isEmpty || safe.allSatisfy({ $0 == "." }) { safe = "vm" }
        var name = safe
        var attempt = 0
        while taken.contains(name) {
            name = attempt == 0 ? "\(safe)-\(index)" : "\(safe)-\(index)-\(attempt)"
            attempt += 1
        }
        return name
    }
}

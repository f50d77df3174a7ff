#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// Reads an OVF descriptor (DMTF DSP0243, as vSphere exports and imports it), the way vSphere
/// would deploy it (README "Inventories", docs/INVENTORIES.md):
///
/// - **Deployment options.** The `DeploymentOptionSection` configuration marked
///   `ovf:default="true"` (else the first) or the one named by `--ovf-configuration`; only the
///   Items without `ovf:configuration` or listing the chosen one exist. Two selected disks on
///   one controller slot, or two selected Items with one InstanceID, are refused.
/// - **Disks** come from `DiskSection/Disk` (`ovf:capacity` × `ovf:capacityAllocationUnits`,
///   `ovf:fileRef` → `References/File ovf:href`), attached by the selected Items of
///   ResourceType 17 whose HostResource is `ovf:/disk/ID`. Only the disks the chosen VM uses
///   are parsed. A capacity `${KEY}` is the ProductSection property KEY: `--ovf-property`,
///   else its `Value` for the chosen configuration, else its `ovf:value`.
/// - **Keys and labels.** OVF has no device keys: each disk's key is derived from its
///   controller type, bus (the controller's `Address`) and unit (`AddressOnParent`) as vSphere
///   numbers them (`VSphereKeys`), and marked `keyDerived`. Disks are labelled "Hard disk N"
///   in key order; the Item's `ElementName` is kept as `elementName`.
/// - **OVF 0.9** (VMware's pre-DMTF namespace, `Section xsi:type="ovf:DiskSection_Type"`,
///   `Content xsi:type="ovf:VirtualSystem_Type"`) is rewritten to the 1.x shape first.
enum OVFReader {
    static func read(_ document: XMLElementNode, vm: String?, options: InventoryOptions = InventoryOptions()) throws(FieldError) -> Inventory {
        guard document.name == "Envelope" else {
            throw FieldError(document.path, "the root element is <\(document.name)>, not an OVF <Envelope>")
        }
        let root = OVF09.isOVF09(document) ? OVF09.normalize(document) : document
        let systems = virtualSystems(root, ancestors: [])
        let names = systems.map { $0.system.childText("Name") ?? $0.system.attributes["id"] ?? "" }
        // `--vm` names a VirtualSystem by its Name, or by its ovf:id when no Name matches.
        let ids = systems.map { $0.system.attributes["id"] ?? "" }
        let byID = vm.flatMap { wanted in names.contains(wanted) ? nil : ids.firstIndex(of: wanted) }
        let index: Int
        if let byID { index = byID } else { index = try VMSelection.pick(names: names, vm: vm, field: root.path + "/VirtualSystem") }
        let picked = systems[index]
        let system = picked.system
        let name = names[index]
        guard !name.isEmpty else { throw FieldError(system.path + "/Name", "is missing") }

        let configuration = try DeploymentOptions.choose(root, requested: options.ovfConfiguration)
        let deployment = DeploymentOptions.configurations(root).flatMap { section -> OVFDeployment? in
            guard let defaultID = section.defaultID else { return nil }
            return OVFDeployment(configurations: section.ids, defaultConfiguration: defaultID, chosenByOption: options.ovfConfiguration != nil)
        }
        let properties = try OVFProperties(scopes: [system] + picked.ancestors.reversed(), configuration: configuration,
                                           overrides: options.ovfProperties)
        let descriptors = try diskElements(root)
        // A VirtualSystem may describe its hardware once per platform; vSphere deploys the
        // section whose VirtualSystemType lists a "vmx-NN" hardware version, else the first.
        let sections = system.children("VirtualHardwareSection")
        let forVSphere = sections.first { ($0.child("System")?.childText("VirtualSystemType") ?? "").lowercased().contains("vmx-") }
        guard let hardware = forVSphere ?? sections.first else {
            throw FieldError(system.path + "/VirtualHardwareSection", "is missing")
        }
        let items = hardware.children.filter { ["Item", "StorageItem"].contains($0.name) }
            .filter { DeploymentOptions.selects($0, configuration) }
        try checkInstanceIDs(items, configuration: configuration)
        let controllers = try OVFControllers(items)

        var disks: [SourceDisk] = []
        var usedSlots: [String: XMLElementNode] = [:]
        var pending: [(item: XMLElementNode, controller: OVFControllers.Controller)] = []
        for item in items where item.childText("ResourceType") == "17" {
            guard let parent = item.childText("Parent"), !parent.isEmpty else {
                throw FieldError(item.path + "/Parent", "is missing: the disk '\(item.childText("ElementName") ?? "")' is on no controller")
            }
            guard let controller = controllers.byInstance[parent] else {
                throw FieldError(item.path + "/Parent", "'\(parent)' names no IDE, SCSI, SATA or NVMe controller Item\(configuration.map { " of configuration '\($0)'" } ?? "")")
            }
            pending.append((item, controller))
        }
        // Explicit AddressOnParent first, then the disks without one take the lowest free unit,
        // as vSphere does when it places a device.
        var assigned: [(item: XMLElementNode, controller: OVFControllers.Controller, unit: Int)] = []
        for (item, controller) in pending {
            guard let text = item.childText("AddressOnParent"), !text.isEmpty else { continue }
            guard let unit = Int(text), unit >= 0 else {
                throw FieldError(item.path + "/AddressOnParent", "'\(text)' is not a unit number")
            }
            let slot = "\(controller.kind.rawValue)\(controller.bus):\(unit)"
            if let other = usedSlots[slot] {
                throw FieldError(item.path, "two disks on one controller slot \(slot): \(describe(other)) and \(describe(item))\(configuration.map { " (configuration '\($0)')" } ?? "")")
            }
            usedSlots[slot] = item
            assigned.append((item, controller, unit))
        }
        for (item, controller) in pending where (item.childText("AddressOnParent") ?? "").isEmpty {
            guard let unit = (0..<controller.kind.unitsPerBus).first(where: {
                controller.kind.isUsableUnit($0) && usedSlots["\(controller.kind.rawValue)\(controller.bus):\($0)"] == nil
            }) else {
                throw FieldError(item.path, "no free unit on \(controller.kind.label(bus: controller.bus)) for \(describe(item))")
            }
            usedSlots["\(controller.kind.rawValue)\(controller.bus):\(unit)"] = item
            assigned.append((item, controller, unit))
        }
        for (item, controller, unit) in assigned {
            let key = try VSphereKeys.diskKey(controller.kind, bus: controller.bus, unit: unit, field: item.path + "/AddressOnParent")
            let (capacity, file) = try descriptors.resolve(item, properties: properties)
            disks.append(SourceDisk(
                key: String(key), capacityBytes: capacity, backingFile: file,
                controller: controller.kind.label(bus: controller.bus), bus: controller.bus, unit: unit,
                keyDerived: true, elementName: item.childText("ElementName").flatMap { $0.isEmpty ? nil : $0 }))
        }
        VSphereKeys.labelInKeyOrder(&disks)
        try DiskKeys.checkUnique(disks, field: hardware.path)
        return Inventory(vm: VMIdentity(name: name, format: InventoryFormat.ovf.identifier, ovfConfiguration: configuration),
                         disks: disks, ovfDeployment: deployment)
    }

    /// Every VirtualSystem, with the VirtualSystemCollections around it (outermost first).
    private static func virtualSystems(_ element: XMLElementNode, ancestors: [XMLElementNode]) -> [(system: XMLElementNode, ancestors: [XMLElementNode])] {
        element.children.flatMap { child -> [(system: XMLElementNode, ancestors: [XMLElementNode])] in
            switch child.name {
            case "VirtualSystem": [(child, ancestors)]
            case "VirtualSystemCollection": virtualSystems(child, ancestors: ancestors + [child])
            default: []
            }
        }
    }

    /// "Item[7] (InstanceID 6, 'Harddisk 3')".
    static func describe(_ item: XMLElementNode) -> String {
        var parts: [String] = []
        if let id = item.childText("InstanceID") { parts.append("InstanceID \(id)") }
        if let name = item.childText("ElementName") { parts.append("'\(name)'") }
        return item.path + (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")
    }

    private static func checkInstanceIDs(_ items: [XMLElementNode], configuration: String?) throws(FieldError) {
        var seen: [String: XMLElementNode] = [:]
        for item in items {
            guard let id = item.childText("InstanceID"), !id.isEmpty else { continue }
            if let other = seen[id] {
                throw FieldError(item.path + "/InstanceID", "two Items share InstanceID \(id)\(configuration.map { " in configuration '\($0)'" } ?? ""): \(describe(other)) and \(describe(item)); the descriptor is ambiguous")
            }
            seen[id] = item
        }
    }

    /// The DiskSection's Disk elements by `ovf:diskId`, parsed only when a disk Item uses them.
    private struct DiskElements {
        var disks: [String: XMLElementNode]
        var files: [String: String]

        func resolve(_ item: XMLElementNode, properties: OVFProperties) throws(FieldError) -> (UInt64, String?) {
            guard let resource = item.childText("HostResource") else { throw FieldError(item.path + "/HostResource", "is missing") }
            let id = resource.split(separator: "/").last.map(String.init) ?? resource
            guard resource.hasPrefix("ovf:/disk/") || resource.hasPrefix("/disk/"), let disk = disks[id] else {
                throw FieldError(item.path + "/HostResource", "'\(resource)' names no Disk in the DiskSection")
            }
            guard let capacityText = disk.attributes["capacity"] else { throw FieldError(disk.path + "@ovf:capacity", "is missing") }
            let field = disk.path + "@ovf:capacity"
            let capacity = try properties.substitute(capacityText.trimmingWhitespace(), field: field)
            let unitsField = disk.path + "@ovf:capacityAllocationUnits"
            let unitBytes = try allocationUnitBytes(disk.attributes["capacityAllocationUnits"] ?? "byte", field: unitsField)
            let value = try WholeNumber.parse(capacity, field: field + (capacity == capacityText ? "" : " ('\(capacityText)' = '\(capacity)')"))
            let bytes = try DiskCapacity.bytes(value, unitBytes: unitBytes, field: field)
            return (bytes, disk.attributes["fileRef"].flatMap { files[$0] })
        }
    }

    private static func diskElements(_ root: XMLElementNode) throws(FieldError) -> DiskElements {
        var files: [String: String] = [:]
        for file in root.child("References")?.children("File") ?? [] {
            if let id = file.attributes["id"], let href = file.attributes["href"] { files[id] = href }
        }
        var disks: [String: XMLElementNode] = [:]
        for disk in root.child("DiskSection")?.children("Disk") ?? [] {
            guard let id = disk.attributes["diskId"] else { throw FieldError(disk.path + "@ovf:diskId", "is missing") }
            if disks[id] != nil { throw FieldError(disk.path + "@ovf:diskId", "two disks have id '\(id)'") }
            disks[id] = disk
        }
        return DiskElements(disks: disks, files: files)
    }

    /// DMTF programmatic units (DSP0004): "byte", "byte * 2^30", "byte * 10^9", and the
    /// OVF 1.0 words "KiloBytes", "MegaBytes", "GigaBytes" (binary, as vSphere reads them).
    static func allocationUnitBytes(_ text: String, field: String) throws(FieldError) -> UInt64 {
        let compact = text.filter { !$0.isWhitespace }.lowercased()
        switch compact {
        case "byte", "bytes": return 1
        case "kilobytes", "kb": return 1 << 10
        case "megabytes", "mb": return 1 << 20
        case "gigabytes", "gb": return 1 << 30
        case "terabytes", "tb": return 1 << 40
        default: break
        }
        for (base, marker) in [(UInt64(2), "byte*2^"), (UInt64(10), "byte*10^")] where compact.hasPrefix(marker) {
            guard let exponent = Int(compact.dropFirst(marker.count)), exponent >= 0, exponent <= (base == 2 ? 60 : 18) else { break }
            var result: UInt64 = 1
            for _ in 0..<exponent { result *= base }
            return result
        }
        throw FieldError(field, "unknown allocation unit '\(text)'; expected e.g. \"byte\", \"byte * 2^30\" or \"byte * 10^9\"")
    }
}

/// The DeploymentOptionSection: which configuration is read, and which Items it selects.
enum DeploymentOptions {
    /// The configuration ids in document order and the default, from the section in the
    /// Envelope or its outermost VirtualSystemCollection / VirtualSystem.
    static func configurations(_ root: XMLElementNode) -> (ids: [String], defaultID: String?, path: String)? {
        var candidates = [root]
        candidates += root.children.filter { ["VirtualSystemCollection", "VirtualSystem"].contains($0.name) }
        for element in candidates {
            guard let section = element.child("DeploymentOptionSection") else { continue }
            let configurations = section.children("Configuration")
            let ids = configurations.compactMap { $0.attributes["id"] }
            let marked = configurations.first { $0.attributes["default"]?.lowercased() == "true" }?.attributes["id"]
            return (ids, marked ?? ids.first, section.path)
        }
        return nil
    }

    /// The configuration to read: `requested`, else the default; nil when the file has none.
    static func choose(_ root: XMLElementNode, requested: String?) throws(FieldError) -> String? {
        guard let section = configurations(root), !section.ids.isEmpty else {
            if let requested {
                throw FieldError(nil, "--ovf-configuration \(requested): this OVF has no DeploymentOptionSection, so it has a single configuration")
            }
            return nil
        }
        guard let requested else { return section.defaultID }
        guard section.ids.contains(requested) else {
            throw FieldError(section.path, "no configuration '\(requested)'; the valid ones are \(section.ids.map { "'\($0)'" }.joined(separator: ", "))")
        }
        return requested
    }

    /// Whether an Item exists in `configuration`: it lists none, or lists this one.
    static func selects(_ item: XMLElementNode, _ configuration: String?) -> Bool {
        guard let listed = item.attributes["configuration"]?.split(whereSeparator: \.isWhitespace), !listed.isEmpty else { return true }
        guard let configuration else { return true }
        return listed.contains { $0 == configuration }
    }
}

/// The controllers of a VirtualHardwareSection's selected Items, keyed by InstanceID, with the
/// vSphere controller type and bus number (the Item's `Address`, else the lowest free bus of
/// its type in document order).
struct OVFControllers {
    struct Controller {
        var kind: ControllerKind
        var bus: Int
    }

    var byInstance: [String: Controller] = [:]

    init(_ items: [XMLElementNode]) throws(FieldError) {
        var found: [(item: XMLElementNode, kind: ControllerKind)] = []
        for item in items {
            guard let kind = try Self.kind(item) else { continue }
            found.append((item, kind))
        }
        var used: [ControllerKind: [Int: XMLElementNode]] = [:]
        var buses: [String: Int] = [:]
        for (item, kind) in found {
            guard let text = item.childText("Address"), !text.isEmpty else { continue }
            guard let bus = Int(text), bus >= 0 else { throw FieldError(item.path + "/Address", "'\(text)' is not a bus number") }
            if let other = used[kind]?[bus] {
                throw FieldError(item.path + "/Address", "two \(kind.rawValue.uppercased()) controllers have bus \(bus): \(OVFReader.describe(other)) and \(OVFReader.describe(item))")
            }
            used[kind, default: [:]][bus] = item
            buses[item.path] = bus
        }
        for (item, kind) in found where buses[item.path] == nil {
            let bus = (0...).first { used[kind]?[$0] == nil } ?? 0
            used[kind, default: [:]][bus] = item
            buses[item.path] = bus
        }
        for (item, kind) in found {
            guard let id = item.childText("InstanceID"), let bus = buses[item.path] else { continue }
            byInstance[id] = Controller(kind: kind, bus: bus)
        }
    }

    /// ResourceType 5 IDE, 6 SCSI, 20 "other storage" with a SATA/AHCI or NVMe subtype.
    private static func kind(_ item: XMLElementNode) throws(FieldError) -> ControllerKind? {
        let subtype = (item.childText("ResourceSubType") ?? "").lowercased()
        switch item.childText("ResourceType") {
        case "5": return .ide
        case "6": return .scsi
        case "20":
            if subtype.contains("nvme") { return .nvme }
            if subtype.contains("sata") || subtype.contains("ahci") { return .sata }
            throw FieldError(item.path + "/ResourceSubType", "storage controller subtype '\(subtype)' is not SATA (AHCI) or NVMe; its disks' keys cannot be derived")
        default: return nil
        }
    }
}

/// ProductSection properties that capacities may refer to as `${KEY}`.
struct OVFProperties {
    private var values: [String: (value: String?, path: String)] = [:]
    private var overridden: [String: String] = [:]

    /// Properties of the VM and the collections around it (nearest first); `overrides` are
    /// `--ovf-property` values, each of which must name a property.
    init(scopes: [XMLElementNode], configuration: String?, overrides: [(key: String, value: String)]) throws(FieldError) {
        for scope in scopes {
            for section in scope.children("ProductSection") {
                let qualifier = [section.attributes["class"], section.attributes["instance"]]
                for property in section.children("Property") {
                    guard let key = property.attributes["key"] else { continue }
                    var value = property.attributes["value"]
                    for candidate in property.children("Value") {
                        let listed = (candidate.attributes["configuration"] ?? "").split(whereSeparator: \.isWhitespace)
                        if let configuration, listed.contains(where: { $0 == configuration }) { value = candidate.attributes["value"] }
                    }
                    let full = [qualifier[0], key, qualifier[1]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ".")
                    for name in Set([key, full]) where values[name] == nil { values[name] = (value, property.path) }
                }
            }
        }
        for (key, value) in overrides {
            guard values[key] != nil else {
                let known = values.keys.sorted()
                let listed = known.isEmpty ? "it defines no property" : "its properties are " + known.prefix(30).joined(separator: ", ")
                throw FieldError(nil, "--ovf-property \(key): the VM has no such ProductSection property; \(listed)")
            }
            overridden[key] = value
        }
    }

    /// `text` with every `${KEY}` replaced by the property's value.
    func substitute(_ text: String, field: String) throws(FieldError) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw FieldError(field, "'\(text)': an unterminated ${…} property reference")
            }
            let key = String(rest[start.upperBound..<end])
            if let value = overridden[key] {
                result += value
            } else if let property = values[key] {
                guard let value = property.value, !value.isEmpty else {
                    throw FieldError(field, "'\(text)': property \(key) (\(property.path)) has no default value; give one with --ovf-property \(key)=VALUE")
                }
                result += value
            } else {
                throw FieldError(field, "'\(text)' refers to property \(key), which no ProductSection of this VM defines; give it with --ovf-property \(key)=VALUE")
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

/// VMware's OVF 0.9 (namespace `http://www.vmware.com/schema/ovf/1/envelope`, vSphere 3.5
/// and VMware Studio): sections are `Section xsi:type="ovf:DiskSection_Type"`, the VM is
/// `Content xsi:type="ovf:VirtualSystem_Type"`, Items say `InstanceId`, `Caption` and
/// `BusNumber`. `normalize` renames them to the 1.x names so one reader serves both.
enum OVF09 {
    static let namespace = "http://www.vmware.com/schema/ovf/1/envelope"

    static func isOVF09(_ root: XMLElementNode) -> Bool {
        root.attributes.values.contains(namespace) || root.attributes["version"] == "0.9"
    }

    static func normalize(_ element: XMLElementNode) -> XMLElementNode {
        var copy = element
        if ["Section", "Content"].contains(element.name), let type = element.attributes["type"] {
            var name = XMLDocumentParser.localName(type)
            if name.hasSuffix("_Type") { name.removeLast("_Type".count) }
            copy.name = name
        }
        copy.children = element.children.map(normalize)
        if copy.name == "Item" {
            for index in copy.children.indices where copy.children[index].name == "InstanceId" { copy.children[index].name = "InstanceID" }
            if copy.child("ElementName") == nil, var caption = copy.child("Caption") {
                caption.name = "ElementName"
                copy.children.append(caption)
            }
            if copy.child("Address") == nil, var bus = copy.child("BusNumber") {
                bus.name = "Address"
                copy.children.append(bus)
            }
        }
        return copy
    }
}

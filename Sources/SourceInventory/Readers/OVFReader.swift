import Foundation

/// Reads an OVF descriptor (DMTF DSP0243, as vSphere exports it).
///
/// Disks come from `DiskSection/Disk` (`ovf:diskId`, `ovf:capacity` ×
/// `ovf:capacityAllocationUnits`, `ovf:fileRef` → `References/File ovf:href`), attached by the
/// `VirtualHardwareSection` Items of ResourceType 17 whose HostResource is `ovf:/disk/ID`.
/// OVF has no device keys: as vSphere does on import, keys are 2000 + the disk Item's position.
/// The controller is the Item named by the disk's `Parent`, its `Address` the bus, and the
/// disk's `AddressOnParent` the unit.
enum OVFReader {
    static func read(_ root: XMLElementNode, vm: String?) throws(FieldError) -> Inventory {
        guard root.name == "Envelope" else {
            throw FieldError(root.path, "the root element is <\(root.name)>, not an OVF <Envelope>")
        }
        let systems = virtualSystems(root)
        let names = systems.map { $0.childText("Name") ?? $0.attributes["id"] ?? "" }
        let system = systems[try VMSelection.pick(names: names, vm: vm, field: root.path + "/VirtualSystem")]
        let name = system.childText("Name") ?? system.attributes["id"] ?? ""
        guard !name.isEmpty else { throw FieldError(system.path + "/Name", "is missing") }
        let descriptors = try diskDescriptors(root)
        guard let hardware = system.child("VirtualHardwareSection") else {
            throw FieldError(system.path + "/VirtualHardwareSection", "is missing")
        }
        let items = hardware.children("Item")
        let itemsByInstance = Dictionary(items.compactMap { item in item.childText("InstanceID").map { ($0, item) } },
                                         uniquingKeysWith: { first, _ in first })
        var disks: [SourceDisk] = []
        for item in items where item.childText("ResourceType") == "17" {
            disks.append(try disk(item, key: String(2000 + disks.count), descriptors: descriptors, items: itemsByInstance))
        }
        try DiskKeys.checkUnique(disks, field: hardware.path)
        return Inventory(vm: VMIdentity(name: name, format: InventoryFormat.ovf.identifier), disks: disks)
    }

    private static func virtualSystems(_ element: XMLElementNode) -> [XMLElementNode] {
        element.children.flatMap { child -> [XMLElementNode] in
            switch child.name {
            case "VirtualSystem": [child]
            case "VirtualSystemCollection": virtualSystems(child)
            default: []
            }
        }
    }

    private struct DiskDescriptor {
        var capacityBytes: UInt64
        var file: String?
    }

    private static func diskDescriptors(_ root: XMLElementNode) throws(FieldError) -> [String: DiskDescriptor] {
        var files: [String: String] = [:]
        for file in root.child("References")?.children("File") ?? [] {
            if let id = file.attributes["id"], let href = file.attributes["href"] { files[id] = href }
        }
        var result: [String: DiskDescriptor] = [:]
        for disk in root.child("DiskSection")?.children("Disk") ?? [] {
            guard let id = disk.attributes["diskId"] else { throw FieldError(disk.path + "@ovf:diskId", "is missing") }
            guard let capacity = disk.attributes["capacity"] else { throw FieldError(disk.path + "@ovf:capacity", "is missing") }
            let unitsField = disk.path + "@ovf:capacityAllocationUnits"
            let unitBytes = try allocationUnitBytes(disk.attributes["capacityAllocationUnits"] ?? "byte", field: unitsField)
            let field = disk.path + "@ovf:capacity"
            let value = try WholeNumber.parse(capacity.trimmingCharacters(in: .whitespaces), field: field)
            if result[id] != nil { throw FieldError(disk.path + "@ovf:diskId", "two disks have id '\(id)'") }
            result[id] = DiskDescriptor(capacityBytes: try DiskCapacity.bytes(value, unitBytes: unitBytes, field: field),
                                        file: disk.attributes["fileRef"].flatMap { files[$0] })
        }
        return result
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

    private static func disk(_ item: XMLElementNode, key: String, descriptors: [String: DiskDescriptor],
                             items: [String: XMLElementNode]) throws(FieldError) -> SourceDisk {
        guard let resource = item.childText("HostResource") else { throw FieldError(item.path + "/HostResource", "is missing") }
        let id = resource.split(separator: "/").last.map(String.init) ?? resource
        guard resource.hasPrefix("ovf:/disk/") || resource.hasPrefix("/disk/"), let descriptor = descriptors[id] else {
            throw FieldError(item.path + "/HostResource", "'\(resource)' names no Disk in the DiskSection")
        }
        let controller = item.childText("Parent").flatMap { items[$0] }
        return SourceDisk(
            key: key,
            label: item.childText("ElementName"),
            capacityBytes: descriptor.capacityBytes,
            backingFile: descriptor.file,
            controller: controller?.childText("ElementName"),
            bus: controller?.childText("Address").flatMap { Int($0) },
            unit: item.childText("AddressOnParent").flatMap { Int($0) })
    }
}

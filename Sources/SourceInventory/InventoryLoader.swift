/// Reads an inventory file in any supported format and returns the normalized inventory of
/// one VM. The format is chosen by content (`FormatDetection`); limits are `InventoryLimits`.
public enum InventoryLoader {
    /// Reads FILE, detects its format by content, picks the VM (`vm` or the only one).
    /// Every failure is an `InventoryError` naming the file, the format tried and the field.
    public static func load(path: String, vm: String?, options: InventoryOptions = InventoryOptions()) throws(InventoryError) -> Inventory {
        let bytes: [UInt8]
        do {
            bytes = try InventoryFile.read(path: path)
        } catch {
            throw InventoryError(file: path, format: InventoryError.beforeParsing, field: error.field, message: error.message)
        }
        return try load(bytes: bytes, path: path, vm: vm, options: options)
    }

    /// Reads an inventory already in memory, with the same limits as a file; `path` names it
    /// in errors and locates the VMDK descriptors of a VMX.
    /// `options` (`--ovf-configuration`, `--ovf-property`) apply to OVF only; given with
    /// another format they are an error rather than silently ignored.
    public static func load(bytes raw: [UInt8], path: String, vm: String?,
                            options: InventoryOptions = InventoryOptions()) throws(InventoryError) -> Inventory {
        var tried = InventoryError.beforeParsing
        do throws(FieldError) {
            let bytes = try InventoryFile.text(raw)
            let inventory = try read(bytes, path: path, vm: vm, options: options, tried: &tried)
            if inventory.disks.isEmpty {
                throw FieldError(nil, "VM '\(inventory.vm.name)' has no virtual disk; there is nothing to verify")
            }
            return inventory
        } catch {
            throw InventoryError(file: path, format: tried, field: error.field, message: error.message)
        }
    }

    /// Detects the format and runs its reader; `tried` follows what is being attempted.
    private static func read(_ bytes: [UInt8], path: String, vm: String?, options: InventoryOptions,
                             tried: inout String) throws(FieldError) -> Inventory {
        let family = FormatDetection.family(of: bytes)
        if family != .xml, !options.isEmpty {
            let given = options.ovfConfiguration != nil ? "--ovf-configuration" : "--ovf-property"
            throw FieldError(nil, "\(given) applies to OVF descriptors only, and this file is not XML")
        }
        switch family {
        case .json:
            tried = "JSON"
            let root = DocumentNode(try JSONDocumentParser.parse(bytes), path: "")
            let format = try FormatDetection.jsonFormat(root)
            tried = format.displayName
            return try read(root, format: format, vm: vm)
        case .xml:
            tried = InventoryFormat.ovf.displayName
            return try OVFReader.read(try XMLDocumentParser.parse(bytes), vm: vm, options: options)
        case .vmx:
            tried = InventoryFormat.vmx.displayName
            return try VMXReader.read(bytes, path: path, vm: vm)
        case .vmdkDescriptor:
            tried = "VMDK descriptor"
            throw FieldError(nil, "a VMDK descriptor alone has no device keys; pass the VM's .vmx file, which names its descriptors")
        case .yaml:
            tried = InventoryFormat.manifestYAML.displayName
            let root = DocumentNode(try YAMLDocumentReader.parse(bytes), path: "")
            guard case .object = root.value, root.has("vm") || root.has("disks") || root.has("manifestVersion") else {
                throw FieldError(nil, "not a recognized inventory: expected JSON (govc, vSphere REST), XML (OVF), a VMX, or a YAML manifest with vm and disks")
            }
            return try ManifestReader.read(root, vm: vm, format: .manifestYAML)
        }
    }

    private static func read(_ root: DocumentNode, format: InventoryFormat, vm: String?) throws(FieldError) -> Inventory {
        switch format {
        case .govcVMInfoPascalCase, .govcVMInfoCamelCase:
            return try GovcVMInfoReader.read(root, vm: vm, format: format)
        case .govcDeviceInfo:
            return try GovcDeviceInfoReader.read(root, vm: vm)
        case .vsphereVIJSONConfig:
            return try VIJSONConfigReader.read(root, vm: vm)
        case .vsphereRESTAPI, .vsphereRESTLegacy:
            return try VSphereRESTReader.read(root, vm: vm, format: format)
        case .manifestJSON, .manifestYAML:
            return try ManifestReader.read(root, vm: vm, format: format)
        case .canary:
            return try CanaryManifestReader.read(root, vm: vm)
        case .ovf, .vmx:
            throw FieldError(nil, "\(format.displayName) is not JSON")
        }
    }
}

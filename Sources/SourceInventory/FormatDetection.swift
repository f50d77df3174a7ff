/// Decides an inventory's format from its content, never from its file name.
///
/// - `{…}` JSON: by its top-level members — `VirtualMachines` (govc vm.info, PascalCase) or
///   `virtualMachines` (camelCase); `devices` (govc device.info); `value` holding an object
///   with `disks` as a list (vSphere REST legacy `/rest`); `disks` as an object keyed by device
///   key (REST `/api`, also inside Ansible vmware_rest's `value` wrapper); `vm` and `disks` as a
///   list (the manifest); `_typeName` "VirtualMachineConfigInfo" (vSphere 8's VI/JSON API,
///   `GET /sdk/vim25/{release}/VirtualMachine/{vm}/config`); `canaryVersion` (a canary manifest,
///   `canary create`'s canary.json; docs/CANARY.md).
/// - `<…` XML: an OVF `Envelope`.
/// - `key = "value"` lines with VMX settings (`config.version`, `virtualHW.version`,
///   `displayName`, `scsiN:M.fileName`): a VMX.
/// - anything else is tried as a YAML manifest.
enum FormatDetection {
    /// The textual family, from the first non-blank character and a look at the lines.
    enum Family { case json, xml, vmx, vmdkDescriptor, yaml }

    static func family(of bytes: [UInt8]) -> Family {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return .yaml }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return .json }
        if first == UInt8(ascii: "<") { return .xml }
        let head = String(decoding: bytes.prefix(64 * 1024), as: UTF8.self)
        let scalars = Array(head.unicodeScalars)
        if head.contains("# Disk DescriptorFile") || anyLine(scalars, startsWith: { key(["createType"], $0, $1) }, then: "=") {
            return .vmdkDescriptor
        }
        if anyLine(scalars, startsWith: vmxKey, then: "=\"") { return .vmx }
        return .yaml
    }

    /// Whether a line, after leading whitespace, starts with a key (`key(scalars, at)` gives
    /// where it ends) followed by the characters of `then`, each after optional whitespace:
    /// the regular expression `(?m)^\s*KEY\s*=\s*"` as ICU reads it: lines start after
    /// U+000A–U+000D, U+0085, U+2028, U+2029; `\s` is Unicode White_Space.
    static func anyLine(_ s: [Unicode.Scalar], startsWith key: ([Unicode.Scalar], Int) -> Int?, then: String) -> Bool {
        var lineStart = 0
        while lineStart <= s.count {
            var i = lineStart
            while i < s.count, isSpace(s[i]) { i += 1 }
            if var j = key(s, i) {
                var matched = true
                for want in then.unicodeScalars {
                    while j < s.count, isSpace(s[j]) { j += 1 }
                    guard j < s.count, s[j] == want else { matched = false; break }
                    j += 1
                }
                if matched { return true }
            }
            guard let next = s[lineStart...].firstIndex(where: { [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) }) else { return false }
            lineStart = next + 1
        }
        return false
    }

    /// ICU's `\s`: Unicode White_Space (line breaks, U+000B and U+0085 included).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    /// The end of one of `keys` at `at`, if one is there.
    static func key(_ keys: [String], _ s: [Unicode.Scalar], _ at: Int) -> Int? {
        for key in keys {
            let k = Array(key.unicodeScalars)
            if at + k.count <= s.count, s[at..<(at + k.count)].elementsEqual(k) { return at + k.count }
        }
        return nil
    }

    /// `\.encoding|config\.version|virtualHW\.version|displayName|(scsi|sata|ide|nvme)\d+:\d+\.fileName`.
    static func vmxKey(_ s: [Unicode.Scalar], _ at: Int) -> Int? {
        if let end = key([".encoding", "config.version", "virtualHW.version", "displayName"], s, at) { return end }
        guard var i = key(["scsi", "sata", "ide", "nvme"], s, at) else { return nil }
        func digits() -> Bool {
            let start = i
            while i < s.count, s[i].properties.numericType == .decimal { i += 1 }
            return i > start
        }
        guard digits(), i < s.count, s[i] == ":" else { return nil }
        i += 1
        guard digits() else { return nil }
        return key([".fileName"], s, i)
    }

    /// The format of a parsed JSON document, or an error listing what was found instead.
    static func jsonFormat(_ root: DocumentNode) throws(FieldError) -> InventoryFormat {
        guard case .object(let members) = root.value else {
            throw FieldError(nil, "a JSON \(root.value.kindName) at the top level is not a known inventory; expected an object (govc vm.info / device.info, vSphere REST, or a manifest)")
        }
        let keys = members.map(\.key)
        if root.has("canaryVersion") { return .canary }  // issue 14: canary.json
        if try root.optional("_typeName")?.string() == "VirtualMachineConfigInfo" { return .vsphereVIJSONConfig }
        if keys.contains("VirtualMachines") { return .govcVMInfoPascalCase }
        if keys.contains("virtualMachines") { return .govcVMInfoCamelCase }
        if root.has("virtualMachines") { return .govcVMInfoCamelCase }
        if root.has("devices") { return .govcDeviceInfo }
        if let value = try root.optional("value"), let disks = try value.optional("disks") {
            // `/api` answers keep `disks` an object keyed by device key; Ansible's vmware_rest
            // modules wrap them in `{"value": …}` like the legacy `/rest` form, whose maps are lists.
            if case .object = disks.value { return .vsphereRESTAPI }
            return .vsphereRESTLegacy
        }
        if let disks = try root.optional("disks") {
            if case .object = disks.value { return .vsphereRESTAPI }
            if root.has("vm") { return .manifestJSON }
        }
        if root.has("vm") || root.has("manifestVersion") { return .manifestJSON }
        let listed = keys.prefix(8).map { "\"\($0)\"" }.joined(separator: ", ") + (keys.count > 8 ? ", …" : "")
        throw FieldError(nil, "not a recognized inventory: a JSON object with members \(listed.isEmpty ? "(none)" : listed); expected virtualMachines (govc vm.info), devices (govc device.info), disks (vSphere REST), value.disks (REST /rest) or vm + disks (manifest)")
    }
}

/// The inventory formats the readers understand. `identifier` is the `vm.format` value of
/// the `inventory --format json` contract; `displayName` is what error messages say was tried.
public enum InventoryFormat: String, Sendable, CaseIterable {
    case govcVMInfoPascalCase
    case govcVMInfoCamelCase
    case govcDeviceInfo
    case vsphereRESTAPI
    case vsphereRESTLegacy
    case vsphereVIJSONConfig
    case ovf
    case vmx
    case manifestJSON
    case manifestYAML
    /// Issue 14: a canary manifest (`canary.json`, written by `canary create`).
    case canary

    /// The contract's `vm.format` value.
    public var identifier: String {
        switch self {
        case .govcVMInfoPascalCase, .govcVMInfoCamelCase: "govc-vm-info"
        case .govcDeviceInfo: "govc-device-info"
        case .vsphereRESTAPI: "vsphere-rest-api"
        case .vsphereRESTLegacy: "vsphere-rest-legacy"
        case .vsphereVIJSONConfig: "vsphere-vi-json"
        case .ovf: "ovf"
        case .vmx: "vmx"
        case .manifestJSON, .manifestYAML: "manifest"
        case .canary: "canary"
        }
    }

    /// A name for people, e.g. "govc vm.info -json (camelCase, govc >= 0.32)".
    public var displayName: String {
        switch self {
        case .govcVMInfoPascalCase: "govc vm.info -json (PascalCase, govc <= 0.31)"
        case .govcVMInfoCamelCase: "govc vm.info -json (camelCase, govc >= 0.32)"
        case .govcDeviceInfo: "govc device.info -json"
        case .vsphereRESTAPI: "vSphere REST /api/vcenter/vm/{vm}"
        case .vsphereRESTLegacy: "vSphere REST legacy /rest/vcenter/vm/{vm}"
        case .vsphereVIJSONConfig: "vSphere VI/JSON VirtualMachineConfigInfo"
        case .ovf: "OVF descriptor"
        case .vmx: "VMX with VMDK descriptors"
        case .manifestJSON: "replica-audit manifest (JSON)"
        case .manifestYAML: "replica-audit manifest (YAML)"
        case .canary: "replica-audit canary manifest (canary.json)"
        }
    }
}

/// The bounds every reader enforces, so that hostile or broken input is refused with a clear
/// message before it can exhaust memory or the stack.
public enum InventoryLimits {
    /// Files larger than this are refused before they are read: 64 MiB. A govc vm.info dump of
    /// one VM is tens of kilobytes; a whole vCenter's worth stays well below this.
    public static let maximumFileBytes: Int = 64 << 20

    /// Deepest nesting of objects / arrays / elements accepted: 128. Real inventories nest
    /// about 12 deep. Checked by the document parsers themselves (JSON, XML, YAML; YAML is
    /// also scanned for it before it is parsed), so no parser recurses past it.
    public static let maximumNestingDepth: Int = 128

    /// The largest disk capacity accepted: 64 PiB. vSphere's own limit is 62 TiB per VMDK.
    public static let maximumCapacityBytes: UInt64 = 64 << 50

    /// The most values (nodes) a YAML document may expand to, aliases included.
    public static let maximumYAMLNodes: Int = 200_000

    /// The most disks one VM may have (vSphere allows 4 × 64 + 4 × 30 + 4 × 15 + 4 per VM).
    public static let maximumDisks: Int = 1_024
}

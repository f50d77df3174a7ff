/// Checks on the disk keys of a normalized inventory.
enum DiskKeys {
    /// Refuses two disks with one key, and more disks than `InventoryLimits.maximumDisks`.
    static func checkUnique(_ disks: [SourceDisk], field: String) throws(FieldError) {
        if disks.count > InventoryLimits.maximumDisks {
            throw FieldError(field, "\(disks.count) disks is more than the limit of \(InventoryLimits.maximumDisks)")
        }
        var seen = Set<String>()
        for disk in disks where !seen.insert(disk.key).inserted {
            throw FieldError(field, "two disks have key \(disk.key)")
        }
    }
}

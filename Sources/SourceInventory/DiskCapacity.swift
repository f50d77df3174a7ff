/// Capacity checks shared by every reader: a disk's size must be positive and at most
/// `InventoryLimits.maximumCapacityBytes`, and unit multiplications must not overflow.
enum DiskCapacity {
    /// `value × unitBytes`, refused with the field named when it overflows, is zero or
    /// exceeds the limit.
    static func bytes(_ value: UInt64, unitBytes: UInt64 = 1, field: String) throws(FieldError) -> UInt64 {
        let (product, overflow) = value.multipliedReportingOverflow(by: unitBytes)
        let limit = InventoryLimits.maximumCapacityBytes
        if overflow || product > limit {
            let unit = unitBytes == 1 ? "bytes" : "× \(unitBytes) bytes"
            throw FieldError(field, "capacity \(value) \(unit) exceeds the limit of 64 PiB (\(limit) bytes)")
        }
        if product == 0 { throw FieldError(field, "capacity is 0") }
        return product
    }
}

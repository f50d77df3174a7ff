/// Formats byte counts for people: binary units, as `lsblk` and `fdisk -l` print them.
public enum ByteSize {
    /// "115 GiB", "10.5 GiB", "512 B". Whole numbers print without decimals.
    public static func human<T: BinaryInteger>(_ bytes: T) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded() { return "\(Int64(rounded)) \(units[unit])" }
        return "\(String(format1: rounded)) \(units[unit])"
    }
}

extension String {
    fileprivate init(format1 value: Double) {
        let tenths = Int64((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}

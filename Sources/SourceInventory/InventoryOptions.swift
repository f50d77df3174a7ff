#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// What the user chose about how to read an inventory, beyond the VM: the OVF deployment
/// option and OVF property values (README, "Inventories").
public struct InventoryOptions: Sendable, Equatable {
    /// `--ovf-configuration NAME`: the DeploymentOptionSection `Configuration ovf:id` to read;
    /// nil reads the one marked `ovf:default="true"`, else the first.
    public var ovfConfiguration: String?
    /// `--ovf-property KEY=VALUE`, in the order given: values that replace a ProductSection
    /// property's default where a capacity refers to it as `${KEY}`.
    public var ovfProperties: [(key: String, value: String)]

    /// Options; the defaults read every format as it stands.
    public init(ovfConfiguration: String? = nil, ovfProperties: [(key: String, value: String)] = []) {
        self.ovfConfiguration = ovfConfiguration
        self.ovfProperties = ovfProperties
    }

    /// True when no OVF-only option was given.
    var isEmpty: Bool { ovfConfiguration == nil && ovfProperties.isEmpty }

    public static func == (lhs: InventoryOptions, rhs: InventoryOptions) -> Bool {
        lhs.ovfConfiguration == rhs.ovfConfiguration
            && lhs.ovfProperties.map(\.key) == rhs.ovfProperties.map(\.key)
            && lhs.ovfProperties.map(\.value) == rhs.ovfProperties.map(\.value)
    }

    /// Parses `--ovf-property` arguments: each `KEY=VALUE` splits at its first `=`; a key given
    /// twice, an empty key or a missing `=` is an error naming the argument.
    public static func parseProperties(_ items: [String]) throws(InventoryOptionError) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        for item in items {
            guard let equals = item.firstIndex(of: "=") else {
                throw InventoryOptionError(message: "--ovf-property '\(item)': expected KEY=VALUE")
            }
            let key = String(item[..<equals]).trimmingWhitespace()
            let value = String(item[item.index(after: equals)...])
            guard !key.isEmpty else { throw InventoryOptionError(message: "--ovf-property '\(item)': the key is empty") }
            if result.contains(where: { $0.key == key }) {
                throw InventoryOptionError(message: "--ovf-property \(key) is given twice")
            }
            result.append((key, value))
        }
        return result
    }
}

/// A malformed inventory option (exit 2 in the CLI).
public struct InventoryOptionError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

import Foundation

/// UTC timestamps as reports write them.
enum ReportClock {
    /// "2026-11-28T13:07:43Z".
    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// UTC timestamps as reports write them.
enum ReportClock {
    /// "2026-11-28T13:07:43Z".
    static func iso8601(_ date: Date) -> String {
        UTCTime.seconds(date)
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ISO 8601 UTC timestamps as the reports and the ledger write them, with
/// FoundationEssentials' `Date.ISO8601FormatStyle` in place of full Foundation's
/// `ISO8601DateFormatter` / `DateFormatter` (docs/RELEASE.md, "Foundation and start-up"),
/// giving the same text: those round the time to the nearest millisecond first (CF hands
/// ICU `seconds × 1000 + 0.5`, ICU floors), so 13:07:43.9996 is written 13:07:44.
public enum UTCTime {
    /// "2026-11-28T13:07:43Z".
    public static func seconds(_ date: Date) -> String {
        roundedToMillisecond(date).formatted(Date.ISO8601FormatStyle())
    }

    /// "2026-11-28T13:07:43.123Z".
    public static func milliseconds(_ date: Date) -> String {
        roundedToMillisecond(date).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// "20261128T130743Z", for directory names.
    public static func compact(_ date: Date) -> String {
        Date.ISO8601FormatStyle(dateSeparator: .omitted, timeSeparator: .omitted).format(roundedToMillisecond(date))
    }

    /// The millisecond full Foundation would show, as a date in the middle of it (the
    /// format style truncates the binary fraction, and 0.561 is stored as 0.56099…).
    static func roundedToMillisecond(_ date: Date) -> Date {
        let ms = (date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down)
        return Date(timeIntervalSince1970: ms / 1000 + 0.0005)
    }
}

import Foundation
import WavesCore

/// When a wave can be taken: from the first instant of `opens` to the last instant of
/// `closes`, both dates read in the study's time zone (formats.md: inclusive dates).
///
/// The rule is stated on dates, not on clock times: the wave is open at instant `t`
/// exactly when the calendar date of `t` in the zone lies between `opens` and `closes`.
/// So daylight-saving changes, zones a whole day ahead of UTC (Pacific/Kiritimati,
/// UTC+14) or behind it (Pacific/Pago_Pago, UTC−11), and days a zone skipped (Samoa
/// skipped 30 December 2011) need no special case. A wave without dates is always open.
public struct WaveWindow: Sendable, Equatable {
    public var opens: CalendarDate?
    public var closes: CalendarDate?
    public var timeZone: TimeZone

    public init(opens: CalendarDate?, closes: CalendarDate?, timeZone: TimeZone) {
        self.opens = opens; self.closes = closes; self.timeZone = timeZone
    }

    /// A study wave's window (UTC when the study's zone is unknown, which the loader refuses).
    public init(wave: Wave, study: Study) {
        let tz = study.timezone == "UTC" ? TimeZone(identifier: "UTC") : TimeZone(identifier: study.timezone)
        self.init(opens: wave.opens, closes: wave.closes, timeZone: tz ?? TimeZone(secondsFromGMT: 0)!)
    }

    public enum State: Sendable, Equatable {
        case notYetOpen
        case open
        case closed
    }

    /// The calendar date of an instant in this window's zone.
    public func localDate(of t: Date) -> CalendarDate {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.year, .month, .day], from: t)
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    public func state(at t: Date) -> State {
        if opens == nil && closes == nil { return .open }
        let d = localDate(of: t)
        if let o = opens, d < o { return .notYetOpen }
        if let c = closes, d > c { return .closed }
        return .open
    }

    public func isOpen(at t: Date) -> Bool { state(at: t) == .open }

    /// "2 March 2026 to 20 March 2026 (Asia/Singapore)", "from 2 March 2026 (UTC)", or "always open".
    public var readable: String {
        let zone = " (\(timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier))"
        switch (opens, closes) {
        case let (o?, c?): return "\(o.readable) to \(c.readable)" + zone
        case let (o?, nil): return "from \(o.readable)" + zone
        case let (nil, c?): return "until \(c.readable)" + zone
        case (nil, nil): return "always open"
        }
    }
}

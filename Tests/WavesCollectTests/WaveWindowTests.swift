import Foundation
import WavesCore
import XCTest
@testable import WavesCollect

/// Expected instants are worked out by hand from each zone's UTC offset (IANA tz database).
final class WaveWindowTests: XCTestCase {
    func window(_ opens: String?, _ closes: String?, _ zone: String) -> WaveWindow {
        WaveWindow(opens: opens.flatMap(CalendarDate.init), closes: closes.flatMap(CalendarDate.init), timeZone: TimeZone(identifier: zone)!)
    }

    func assertStates(_ w: WaveWindow, _ cases: [(String, WaveWindow.State)], file: StaticString = #filePath, line: UInt = #line) {
        for (t, expected) in cases {
            XCTAssertEqual(w.state(at: instant(t)), expected, "\(t) in \(w.timeZone.identifier)", file: file, line: line)
        }
    }

    func testSingaporeInclusiveDates() {
        // UTC+8 all year: local midnight is 16:00 UTC the day before.
        assertStates(window("2026-03-02", "2026-03-20", "Asia/Singapore"), [
            ("2026-03-01T15:59:59Z", .notYetOpen), ("2026-03-01T16:00:00Z", .open),
            ("2026-03-20T15:59:59Z", .open), ("2026-03-20T16:00:00Z", .closed),
        ])
    }

    func testUTCIsTheDefaultAndDatesAreWholeDays() {
        let w = WaveWindow(wave: Wave(id: "w1", label: "B", time: 0, opens: CalendarDate("2026-03-02"), closes: CalendarDate("2026-03-02")),
                           study: Study(id: "s", title: "S", roles: ["r"], waves: [], instruments: [], roster: nil,
                                        directory: URL(fileURLWithPath: "/tmp")))
        assertStates(w, [("2026-03-01T23:59:59Z", .notYetOpen), ("2026-03-02T00:00:00Z", .open),
                         ("2026-03-02T23:59:59Z", .open), ("2026-03-03T00:00:00Z", .closed)])
    }

    func testOneDayWindowOnBothSidesOfTheDateLine() {
        // Kiritimati is UTC+14, Pago Pago UTC-11: "2 March" is 25 hours apart.
        let kiritimati = window("2026-03-02", "2026-03-02", "Pacific/Kiritimati")
        let pagoPago = window("2026-03-02", "2026-03-02", "Pacific/Pago_Pago")
        assertStates(kiritimati, [("2026-03-01T09:59:59Z", .notYetOpen), ("2026-03-01T10:00:00Z", .open),
                                  ("2026-03-02T09:59:59Z", .open), ("2026-03-02T10:00:00Z", .closed)])
        assertStates(pagoPago, [("2026-03-02T10:59:59Z", .notYetOpen), ("2026-03-02T11:00:00Z", .open),
                                ("2026-03-03T10:59:59Z", .open), ("2026-03-03T11:00:00Z", .closed)])
        // One instant, three answers: closed on the far side, open in UTC, not yet open on the near side.
        let t = instant("2026-03-02T10:30:00Z")
        XCTAssertEqual(kiritimati.state(at: t), .closed)
        XCTAssertEqual(window("2026-03-02", "2026-03-02", "UTC").state(at: t), .open)
        XCTAssertEqual(pagoPago.state(at: t), .notYetOpen)
        XCTAssertEqual(kiritimati.localDate(of: t), CalendarDate("2026-03-03"))
        XCTAssertEqual(pagoPago.localDate(of: t), CalendarDate("2026-03-01"))
    }

    func testDaylightSavingChanges() {
        // Berlin: CET (UTC+1) until 29 March 2026 01:00 UTC, then CEST (UTC+2) until 25 October 01:00 UTC.
        assertStates(window("2026-03-30", "2026-10-25", "Europe/Berlin"), [
            ("2026-03-29T21:59:59Z", .notYetOpen), ("2026-03-29T22:00:00Z", .open),
            ("2026-10-25T22:59:59Z", .open), ("2026-10-25T23:00:00Z", .closed),
        ])
        // The day of the spring change itself has 23 hours: 28 March 23:00 UTC to 29 March 22:00 UTC.
        assertStates(window("2026-03-29", "2026-03-29", "Europe/Berlin"), [
            ("2026-03-28T22:59:59Z", .notYetOpen), ("2026-03-28T23:00:00Z", .open),
            ("2026-03-29T21:59:59Z", .open), ("2026-03-29T22:00:00Z", .closed),
        ])
        // New York: EST (UTC-5) until 8 March 2026 07:00 UTC, then EDT (UTC-4).
        assertStates(window("2026-03-08", "2026-03-09", "America/New_York"), [
            ("2026-03-08T04:59:59Z", .notYetOpen), ("2026-03-08T05:00:00Z", .open),
            ("2026-03-10T03:59:59Z", .open), ("2026-03-10T04:00:00Z", .closed),
        ])
    }

    func testADayTheZoneSkippedIsNeverOpen() {
        // Samoa moved across the date line: 29 December 2011 23:59:59 (UTC-10) was followed by 31 December 00:00 (UTC+14).
        let w = window("2011-12-30", "2011-12-30", "Pacific/Apia")
        assertStates(w, [("2011-12-30T09:59:59Z", .notYetOpen), ("2011-12-30T10:00:00Z", .closed)])
    }

    func testOpenEndedWindows() {
        XCTAssertEqual(window(nil, nil, "UTC").state(at: instant("1999-01-01T00:00:00Z")), .open)
        assertStates(window("2026-03-02", nil, "UTC"), [("2026-03-01T23:00:00Z", .notYetOpen), ("2099-01-01T00:00:00Z", .open)])
        assertStates(window(nil, "2026-03-02", "UTC"), [("2000-01-01T00:00:00Z", .open), ("2026-03-03T00:00:00Z", .closed)])
        XCTAssertEqual(window("2026-03-02", "2026-03-20", "Asia/Singapore").readable, "2 March 2026 to 20 March 2026 (Asia/Singapore)")
    }

    func testCalendarDates() {
        XCTAssertNotNil(CalendarDate("2024-02-29"))
        XCTAssertNil(CalendarDate("2026-02-29"))
        XCTAssertNil(CalendarDate("1900-02-29"))
        XCTAssertNotNil(CalendarDate("2000-02-29"))
        XCTAssertNil(CalendarDate("2026-04-31"))
        XCTAssertNil(CalendarDate("2026-3-2"))
        XCTAssertNil(CalendarDate("2026-03-02T00:00"))
        XCTAssertNil(CalendarDate("２０２６-03-02"))
        XCTAssertEqual(CalendarDate("0999-12-31")?.description, "0999-12-31")
        XCTAssertLessThan(CalendarDate("2026-03-02")!, CalendarDate("2026-03-10")!)
    }
}

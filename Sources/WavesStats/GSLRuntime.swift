internal import CGSL
import Foundation

/// One-time set-up of GNU GSL for the whole process.
///
/// GSL's default error handler aborts the process; Waves turns it off once and
/// turns every GSL return code into a thrown `StatsError` instead.
public enum GSLRuntime {
    private static let once: Void = {
        _ = gsl_set_error_handler_off()
    }()

    /// Turns GSL's aborting error handler off. Idempotent and cheap; call it
    /// before any other GSL work (every public entry point of WavesStats does).
    public static func setUp() {
        _ = once
    }

    /// Throws when a GSL status code is not `GSL_SUCCESS`.
    static func check(_ status: Int32, _ what: String) throws {
        if status != Int32(GSL_SUCCESS) {
            let message = String(cString: gsl_strerror(status))
            throw StatsError.numerical("\(what): \(message)")
        }
    }
}

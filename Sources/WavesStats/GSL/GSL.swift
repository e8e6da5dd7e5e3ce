internal import CGSL
import Foundation

/// The one door to GNU GSL: set-up once per process and one status check.
///
/// GSL's default error handler aborts the process. `ready()` turns it off through a
/// `static let` (initialised exactly once, thread-safely, by the Swift runtime); every
/// wrapper of this folder touches it before its first GSL call (`GSLMatrix`, `GSLVector`,
/// the eigen work space, the minimisers and `RandomSource` in their initialisers,
/// `Distributions` through `call`), so no entry point of WavesStats can forget it.
/// `CGSL` is imported only in the files of `WavesStats/GSL/` (a test checks this); the
/// rest of the module uses these types and never sees a `gsl_*` type. With the handler
/// off, GSL reports failures only through status codes: `check` turns every one that is
/// not `GSL_SUCCESS` into `StatsError.numerical`.
enum GSL {
    private static let handlerOff: Void = {
        _ = gsl_set_error_handler_off()
    }()

    /// Turns GSL's aborting error handler off (the first time) before a GSL call.
    @inline(__always) static func ready() {
        _ = handlerOff
    }

    /// Runs a GSL function that returns a value (distribution functions).
    @inline(__always) static func call<T>(_ body: () -> T) -> T {
        ready()
        return body()
    }

    /// Runs a GSL routine returning a status and throws unless it is `GSL_SUCCESS`.
    ///
    /// The error reads "`what`: GSL's own message", e.g. "Cholesky factor of X'X: matrix not
    /// positive definite".
    static func check(_ what: @autoclosure () -> String, _ body: () -> Int32) throws {
        ready()
        let status = body()
        if status != Int32(GSL_SUCCESS) {
            throw StatsError.numerical("\(what()): \(String(cString: gsl_strerror(status)))")
        }
    }

    /// Runs a GSL routine returning a status, for callers to whom failure is an answer
    /// (a Cholesky factorisation that tells whether a matrix is positive definite).
    static func succeeds(_ body: () -> Int32) -> Bool {
        ready()
        return body() == Int32(GSL_SUCCESS)
    }
}

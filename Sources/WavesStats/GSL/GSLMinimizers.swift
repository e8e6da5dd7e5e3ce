internal import CGSL
import Foundation

/// GSL's Nelder-Mead simplex (`nmsimplex2`) over a Swift objective, freed in `deinit`.
///
/// The objective reaches GSL's C callback through the `params` pointer of a
/// `gsl_multimin_function` that this object allocates and keeps for its whole life (GSL
/// holds on to it between iterations). The caller drives the iterations and decides when
/// to stop (`size`, `minimum`).
final class SimplexMinimizer {
    private final class Box {
        let f: ([Double]) -> Double
        init(_ f: @escaping ([Double]) -> Double) { self.f = f }
    }
    let dimension: Int
    private let box: Box
    private let function: UnsafeMutablePointer<gsl_multimin_function>
    private let state: UnsafeMutablePointer<gsl_multimin_fminimizer>

    init(dimension n: Int, objective: @escaping ([Double]) -> Double) throws {
        GSL.ready()
        guard n > 0, let s = gsl_multimin_fminimizer_alloc(waves_fminimizer_nmsimplex2(), n) else {
            throw StatsError.numerical("could not allocate the Nelder-Mead minimiser")
        }
        dimension = n
        state = s
        box = Box(objective)
        function = .allocate(capacity: 1)
        function.initialize(to: gsl_multimin_function(
            f: { v, params in
                guard let v, let params else { return 1e300 }
                return Unmanaged<Box>.fromOpaque(params).takeUnretainedValue().f(GSLVector.read(v))
            },
            n: n, params: Unmanaged.passUnretained(box).toOpaque()))
    }

    deinit {
        gsl_multimin_fminimizer_free(state)
        function.deinitialize(count: 1)
        function.deallocate()
    }

    /// Starts from `x0` with the same initial step along every coordinate.
    func start(at x0: [Double], step: Double) throws {
        let x = try GSLVector(x0), ss = try GSLVector([Double](repeating: step, count: dimension))
        try GSL.check("Nelder-Mead start") { gsl_multimin_fminimizer_set(state, function, x.raw, ss.raw) }
    }

    /// One iteration; false when GSL reports that no progress is possible.
    func iterate() -> Bool {
        GSL.succeeds { gsl_multimin_fminimizer_iterate(state) }
    }

    /// The characteristic size of the simplex (`gsl_multimin_fminimizer_size`).
    var size: Double { gsl_multimin_fminimizer_size(state) }
    /// The best objective value so far.
    var minimum: Double { gsl_multimin_fminimizer_minimum(state) }
    /// The best point so far.
    var x: [Double] { GSLVector.read(gsl_multimin_fminimizer_x(state)) }
}

/// GSL's vector BFGS2 (`vector_bfgs2`) over a Swift objective with its gradient, freed in `deinit`.
///
/// `vector_bfgs2` may stop with `GSL_ENOPROG` at the optimum: judge by the gradient
/// (`gradientBelow`), not by the status of `iterate` alone.
final class GradientMinimizer {
    private final class Box {
        let f: ([Double]) -> Double
        let g: ([Double]) -> [Double]
        init(_ f: @escaping ([Double]) -> Double, _ g: @escaping ([Double]) -> [Double]) { self.f = f; self.g = g }
    }
    let dimension: Int
    private let box: Box
    private let function: UnsafeMutablePointer<gsl_multimin_function_fdf>
    private let state: UnsafeMutablePointer<gsl_multimin_fdfminimizer>

    /// `value(x)` and `gradient(x)`; when GSL asks for both, `value` is called first.
    init(dimension n: Int, value: @escaping ([Double]) -> Double, gradient: @escaping ([Double]) -> [Double]) throws {
        GSL.ready()
        guard n > 0, let s = gsl_multimin_fdfminimizer_alloc(waves_fdfminimizer_bfgs2(), n) else {
            throw StatsError.numerical("could not allocate the BFGS minimiser")
        }
        dimension = n
        state = s
        box = Box(value, gradient)
        function = .allocate(capacity: 1)
        function.initialize(to: gsl_multimin_function_fdf())
        function.pointee.n = n
        function.pointee.params = Unmanaged.passUnretained(box).toOpaque()
        function.pointee.f = { x, params in
            Unmanaged<Box>.fromOpaque(params!).takeUnretainedValue().f(GSLVector.read(x!))
        }
        function.pointee.df = { x, params, g in
            let b = Unmanaged<Box>.fromOpaque(params!).takeUnretainedValue()
            GSLVector.write(b.g(GSLVector.read(x!)), to: g!)
        }
        function.pointee.fdf = { x, params, f, g in
            let b = Unmanaged<Box>.fromOpaque(params!).takeUnretainedValue()
            let point = GSLVector.read(x!)
            f!.pointee = b.f(point)
            GSLVector.write(b.g(point), to: g!)
        }
    }

    deinit {
        gsl_multimin_fdfminimizer_free(state)
        function.deinitialize(count: 1)
        function.deallocate()
    }

    /// Starts from `x0` with GSL's first step size and line-search tolerance.
    func start(at x0: [Double], step: Double, lineTolerance: Double, _ what: @autoclosure () -> String) throws {
        let x = try GSLVector(x0)
        try GSL.check(what()) { gsl_multimin_fdfminimizer_set(state, function, x.raw, step, lineTolerance) }
    }

    /// One iteration; false when GSL reports a problem (often `GSL_ENOPROG`).
    func iterate() -> Bool {
        GSL.succeeds { gsl_multimin_fdfminimizer_iterate(state) }
    }

    /// Resets the curvature estimate to steepest descent.
    func restart() { _ = GSL.succeeds { gsl_multimin_fdfminimizer_restart(state) } }

    /// The current point.
    var x: [Double] { GSLVector.read(state.pointee.x) }

    /// True when the Euclidean norm of the gradient is below `epsabs` (`gsl_multimin_test_gradient`).
    func gradientBelow(_ epsabs: Double) -> Bool {
        GSL.succeeds { gsl_multimin_test_gradient(state.pointee.gradient, epsabs) }
    }
}

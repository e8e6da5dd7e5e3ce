import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCore

/// `waves power`: power and minimum detectable effect by simulation, for planning a study.
struct PowerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "power",
        abstract: "Power by simulation for planning: paired, change (RM-ANOVA), lmm-slope, lmm-role-slope; minimum detectable effect or sample size with --target-power.",
        discussion: """
        Each simulated study is analysed by the code of `waves change` / `waves lmm`; power is the share of \
        significant results, with its 95% Clopper-Pearson interval. The same seed gives the same output on any \
        number of cores. Needs no study folder unless --from-study or --items is given. See docs/analysis.md, \
        "Planning: power by simulation".
        """)

    @OptionGroup var options: StudyOptions
    @Option(help: "paired (first vs last wave, d_z), change (RM-ANOVA, Cohen's f), lmm-slope (slope per unit of time), lmm-role-slope (slope difference between roles).")
    var design: String
    @Option(help: "Numbers of participants, comma-separated (e.g. 20,40,60).") var participants: String?
    @Option(help: "Number of waves (time 0, 1, .., K-1).") var waves: Int?
    @Option(help: "The waves' times, comma-separated (e.g. 0,6,12); overrides the 0, 1, .. spacing.") var times: String?
    @Option(name: .customLong("time-unit"), help: "The unit of time in the sentences (e.g. month).") var timeUnit: String?
    @Option(help: "Simulations per sample size.") var sims = 1000
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Two-sided significance level (default 0.05).") var alpha: Double?
    @Option(help: "Share of participants leaving at each wave after the first, monotone (default 0).") var attrition: Double?
    @Option(parsing: .unconditional, help: "The effect: d_z (paired), Cohen's f (change), slope or slope difference per unit of time (lmm designs).") var effect: Double?
    @Option(help: "Correlation between waves, compound symmetry (paired, change; default 0.5).") var rho: Double?
    @Option(name: .customLong("score-sd"), help: "SD of the score at each wave, score units (paired, change with --items).") var scoreSd: Double?
    @Option(name: .customLong("intercept-sd"), help: "Random intercept SD (default 1).") var interceptSd: Double?
    @Option(name: .customLong("slope-sd"), help: "Random slope SD (default 0.1).") var slopeSd: Double?
    @Option(parsing: .unconditional, help: "Correlation of random intercept and slope (default 0).") var cor: Double?
    @Option(name: .customLong("residual-sd"), help: "Residual SD (default 1).") var residualSd: Double?
    @Option(parsing: .unconditional, help: "Mean score at time 0 (matters with --items: floor and ceiling).") var intercept: Double?
    @Option(name: .customLong("base-slope"), parsing: .unconditional, help: "lmm-role-slope: the slope of the first role (default 0).") var baseSlope: Double?
    @Option(name: .customLong("role-difference"), parsing: .unconditional, help: "lmm-role-slope: the second role's difference at time 0 (default 0).") var roleDifference: Double?
    @Option(name: .customLong("role-share"), help: "lmm-role-slope: share of participants in the second role (default 0.5).") var roleShare: Double?
    @Option(help: "change: 'auto' (GG or HF as waves change reads it) or 'none' (uncorrected F).") var correction = "auto"
    @Flag(name: .customLong("from-study"), help: "Take the effect, variance components and attrition from the study's data on --scale.") var fromStudy = false
    @Flag(help: "Simulate item answers through the scale's instrument (loadings, options, prorating).") var items = false
    @Option(help: "The scale (S or INSTRUMENT.S) for --from-study and --items.") var scale: String?
    @Option(name: .customLong("item-alpha"), help: "--items: equal loadings giving this reliability instead of the study's loadings.") var itemAlpha: Double?
    @Option(name: .customLong("item-missing"), help: "--items: probability an item is unanswered (default: the study's rate).") var itemMissing: Double?
    @Option(name: .customLong("target-power"), help: "Search the effect (or, with --search participants, the sample size) reaching this power.") var targetPower: Double?
    @Option(help: "What --target-power searches: effect or participants.") var search = "effect"
    @Option(help: "Bisection tolerance of the effect search (default: 1/256 of the bracket).") var precision: Double?
    @Option(help: "Write the power curve as an SVG file.") var svg: String?
    @Option(help: "Worker threads (default: every core); the output does not depend on it.") var jobs: Int?
    @Flag(help: "JSON output.") var json = false

    func validate() throws {
        guard PowerDesign(rawValue: design) != nil else {
            throw ValidationError("--design takes paired, change, lmm-slope or lmm-role-slope")
        }
        guard PowerCorrection(rawValue: correction) != nil else { throw ValidationError("--correction takes auto or none") }
        guard PowerSearchResult.Parameter(rawValue: search) != nil else { throw ValidationError("--search takes effect or participants") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be 1 or more") }
        if sims < 1 || sims > 1_000_000 { throw ValidationError("--sims must be between 1 and 1,000,000") }
        if participants == nil && !(targetPower != nil && search == "participants") {
            throw ValidationError("--participants N1,N2,.. is needed (or --target-power with --search participants)")
        }
        if let p = participants, Self.ints(p) == nil { throw ValidationError("--participants takes whole numbers separated by commas (e.g. 20,40,60)") }
        if let t = times, Self.doubles(t) == nil { throw ValidationError("--times takes numbers separated by commas (e.g. 0,6,12)") }
    }

    static func ints(_ s: String) -> [Int]? {
        let v = s.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return v.isEmpty || v.contains(nil) ? nil : v.compactMap { $0 }
    }

    static func doubles(_ s: String) -> [Double]? {
        let v = s.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        return v.isEmpty || v.contains(where: { $0 == nil || !$0!.isFinite }) ? nil : v.compactMap { $0 }
    }

    func request() -> PowerRequest {
        var r = PowerRequest(design: PowerDesign(rawValue: design)!)
        r.participants = participants.flatMap(Self.ints) ?? []
        r.waves = waves; r.times = times.flatMap(Self.doubles); r.timeUnit = timeUnit
        r.sims = sims; r.seed = seed; r.alpha = alpha; r.attrition = attrition; r.effect = effect; r.rho = rho
        r.scoreSD = scoreSd; r.interceptSD = interceptSd; r.slopeSD = slopeSd; r.cor = cor; r.residualSD = residualSd
        r.intercept = intercept; r.baseSlope = baseSlope; r.roleDifference = roleDifference; r.secondRoleShare = roleShare
        r.correction = PowerCorrection(rawValue: correction)!
        r.fromStudy = fromStudy; r.items = items; r.scale = scale; r.itemAlpha = itemAlpha; r.itemMissing = itemMissing
        r.targetPower = targetPower; r.search = PowerSearchResult.Parameter(rawValue: search)!; r.precision = precision
        r.workers = jobs ?? PowerSimulation.defaultWorkers
        r.curve = svg != nil
        return r
    }

    func run() throws {
        let r = request()
        // The study is read only when its data or instrument is used.
        let bundle = (fromStudy || items) ? try options.loadBundle() : nil
        // The chart's path is checked before the simulations, so a refusal costs no waiting.
        let chart = svg.map { URL(fileURLWithPath: $0).standardizedFileURL }
        let studyForCheck = bundle ?? (try? options.loadBundle())
        if let chart { try PowerChartFile.refuseStudyFiles(chart, studyDirectory: options.directory, bundle: studyForCheck) }
        var total: Int? = nil
        if targetPower == nil {
            total = sims * r.participants.count + (r.participants.count == 1 && svg != nil ? sims * (PowerPlanner.curveGrid.count - 1) : 0)
        }
        let bar = ProgressBar(total: total, unit: "simulations")
        let report: PowerReport
        do {
            report = try PowerPlanner.run(r, bundle: bundle) { bar.advance($0) }
            bar.finish()
        } catch {
            bar.finish()
            throw error
        }
        var wrote: String? = nil
        if let chart { wrote = try PowerChartFile.write(report, to: chart, studyDirectory: options.directory, bundle: studyForCheck) }
        if json { try JSONOutput.print(report); return }
        var text = PowerOutputText.render(report)
        if let wrote { text += "\nWrote the power curve to \(wrote)." }
        Output.out(SafeText.terminal(text))
    }
}

import Foundation
import WavesAnalysis
import WavesCore
import WavesStats

/// `--task report-parts`: the wall time of each analysis behind one scale's report parts, run
/// one after the other on the benchmark study (column cache as the environment says), so a
/// change to the report's speed can be aimed at the part that costs most.
enum ReportPartsBench {
    static func run() throws {
        let bundle = try StudyLoader.load(directory: BenchStudy.directory)
        let inst = bundle.instruments[0]
        // Each part's wall time, the peak resident memory during it and the resident memory
        // after it (the index and the data are kept, as the report keeps them).
        func t<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
            Measure.resetPeak()
            let (r, secs) = try Measure.time(body)
            Report.line("  \(label): \(Report.f(secs, 3)) s, peak \(Report.f(Measure.peakResidentMB(), 0)) MB, then \(Report.f(Measure.residentMB(), 0)) MB")
            return r
        }
        Report.line("  start: resident \(Report.f(Measure.residentMB(), 0)) MB")
        let index = try t("study index (one scan of the store)") { try StudyIndex.load(bundle, collectText: true) }
        defer { withExtendedLifetime(index) {} }
        let data = try t("instrument data") { try InstrumentData.load(bundle, instrument: inst) }
        let scale = inst.scales[0]
        let q = "\(inst.id).\(scale.id)"
        let waves = bundle.waves(of: inst)
        let cols = waves.compactMap { data.waveIndex($0.id) }
        let scores = t("scores") { data.scores(scale: scale) }
        _ = try t("reliability at every wave") { try waves.map { try PsychometricsAnalysis.reliability(data: data, scale: scale, wave: $0, inPlace: true) } }
        _ = try t("retest (consecutive + first-last)") {
            try zip(waves, waves.dropFirst()).map { try PsychometricsAnalysis.retest(data: data, scale: scale, waves: [$0, $1]) }
        }
        let between = data.rolesCompare(scores: scores, waves: cols, roles: bundle.study.roles)
        _ = try t("change (between role: \(between))") { try ChangeAnalysis.run(data: data, bundle: bundle, scale: q, waves: waves.map(\.id), betweenRole: between) }
        _ = try t("change (no role)") { try ChangeAnalysis.run(data: data, bundle: bundle, scale: q, waves: waves.map(\.id), betweenRole: false) }
        let present = data.rolesPresent(scores: scores, waves: cols, roles: bundle.study.roles)
        _ = try t("lmm categorical (role: \(present))") {
            try MixedModelAnalysis.run(data: data, bundle: bundle, scale: q, time: .categorical, betweenRole: present, slopes: false)
        }
        _ = try t("lmm linear, no role") { try MixedModelAnalysis.run(data: data, bundle: bundle, scale: q, time: .linear, betweenRole: false, slopes: false) }
        _ = try t("rci") { try PsychometricsAnalysis.reliableChange(data: data, scale: scale, from: waves.first!, to: waves.last!, reliability: nil) }
        _ = try t("attrition") { try AttritionAnalysis.run(data: data, bundle: bundle, scale: q, to: nil) }
    }
}

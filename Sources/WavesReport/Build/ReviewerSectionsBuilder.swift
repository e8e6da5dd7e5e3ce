import Foundation
import WavesAnalysis
import WavesCore
import WavesStats
import WavesStore

/// Builds `ReviewerSections` from the instrument data the report has already loaded.
enum ReviewerSectionsBuilder {
    /// One scale of the study, in study order: its instrument's data and the scale.
    struct ScaleJob: Sendable {
        let data: InstrumentData
        let scale: Scale
        var qualified: String { "\(data.instrument.id).\(scale.id)" }
    }

    /// One scale's share of the sections (independent of the others, so run at once by the report).
    static func attrition(_ job: ScaleJob, bundle: StudyBundle) -> Outcome<AttritionReport> {
        Outcome.run { try AttritionAnalysis.run(data: job.data, bundle: bundle, scale: job.qualified, to: nil) }
    }

    static func result(_ job: ScaleJob, bundle: StudyBundle) -> ResultsReport.Scale {
        ResultsAnalysis.one(data: job.data, bundle: bundle, instrument: job.data.instrument, scale: job.scale)
    }

    /// The sections from the per-scale parts (in study order) and the participant flow
    /// (`FlowAnalysis.run` on the store's index and the loaded instruments, another part).
    static func build(flow: FlowReport, jobs: [ScaleJob],
                      attrition: [Outcome<AttritionReport>], results: [ResultsReport.Scale],
                      adjustment: MultipleComparisons.Method = .holm) -> ReviewerSections {
        ReviewerSections(flow: flow, attrition: zip(jobs, attrition).map { ($0.qualified, $0.scale.label, $1) },
                                results: .value(ResultsAnalysis.assemble(results, adjustment: adjustment)))
    }
}

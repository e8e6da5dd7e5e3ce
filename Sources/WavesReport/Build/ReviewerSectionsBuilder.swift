import Foundation
import WavesAnalysis
import WavesCore
import WavesStats
import WavesStore

/// Builds `ReviewerSections` from the instrument data the report has already loaded.
enum ReviewerSectionsBuilder {
    static func build(bundle: StudyBundle, index: StudyIndex, loaded: [String: InstrumentData], adjustment: MultipleComparisons.Method = .holm) throws -> ReviewerSections {
        let flow = try FlowAnalysis.run(bundle: bundle, index: index, loaded: loaded)
        var attrition: [(scale: String, label: String, outcome: Outcome<AttritionReport>)] = []
        for inst in bundle.instruments where !inst.scales.isEmpty {
            guard let data = loaded[inst.id] else { continue }
            for s in inst.scales {
                let q = "\(inst.id).\(s.id)"
                attrition.append((q, s.label, Outcome.run { try AttritionAnalysis.run(data: data, bundle: bundle, scale: q, to: nil) }))
            }
        }
        let results = Outcome.run { try ResultsAnalysis.run(bundle: bundle, adjustment: adjustment, loaded: loaded) }
        return ReviewerSections(flow: flow, attrition: attrition, results: results)
    }
}

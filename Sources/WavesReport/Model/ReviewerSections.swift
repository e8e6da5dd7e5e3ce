import Foundation
import WavesAnalysis
import WavesCore

/// The sections reviewers ask for (issue 15): participant flow, attrition, results
/// paragraphs with the change tests adjusted across scales, effect sizes with intervals,
/// and residual diagnostics of the mixed models. Every number comes from the same
/// WavesAnalysis function as `waves flow`, `attrition`, `results`, `change` and `lmm`.
public struct ReviewerSections: Sendable {
    public var flow: FlowReport
    /// Per scale (qualified name), the attrition analysis or why it is not shown.
    public var attrition: [(scale: String, label: String, outcome: Outcome<AttritionReport>)]
    public var results: Outcome<ResultsReport>
}

/// The qualitative section (issue 19): the joint display of codes by wave and role, and
/// exemplar answers only when the report was asked to include free text.
public struct QualitativeSection: Sendable {
    public var display: JointDisplay
    /// Empty unless `--include-text`.
    public var exemplars: [CodeExemplar]
    public init(display: JointDisplay, exemplars: [CodeExemplar]) { self.display = display; self.exemplars = exemplars }
}

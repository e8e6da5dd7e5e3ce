import WavesStats

/// The sphericity correction `waves change` applies to within-subject effects; encoded in
/// `--json` as `"GG"` or `"HF"` (`"correction"`, null when none is needed: two waves).
///
/// Greenhouse-Geisser when its epsilon is below 0.75, else Huynh-Feldt (Girden 1992, as
/// `RepeatedMeasuresResult.recommendedCorrection` decides).
public enum SphericityCorrection: String, Sendable, Equatable, Encodable, CaseIterable {
    case greenhouseGeisser = "GG"
    case huynhFeldt = "HF"

    /// The engine's recommendation as the report's value (nil for `.none`).
    init?(_ c: RepeatedMeasuresResult.Correction) {
        switch c {
        case .none: return nil
        case .greenhouseGeisser: self = .greenhouseGeisser
        case .huynhFeldt: self = .huynhFeldt
        }
    }

    /// "Greenhouse-Geisser" or "Huynh-Feldt" (`dash` between the names: "-" or "–").
    public func name(dash: String = "-") -> String {
        self == .greenhouseGeisser ? "Greenhouse\(dash)Geisser" : "Huynh\(dash)Feldt"
    }
}

extension ChangeReport.Effect {
    /// The effect's epsilon under `correction` (nil without one, or for a between effect).
    public func epsilon(_ correction: SphericityCorrection?) -> Double? {
        switch correction {
        case .greenhouseGeisser: return ggEpsilon?.wrappedValue
        case .huynhFeldt: return hfEpsilon?.wrappedValue
        case nil: return nil
        }
    }

    /// The effect's p under `correction` (nil without one, or for a between effect).
    public func correctedP(_ correction: SphericityCorrection?) -> Double? {
        switch correction {
        case .greenhouseGeisser: return pGG?.wrappedValue
        case .huynhFeldt: return pHF?.wrappedValue
        case nil: return nil
        }
    }
}

import Foundation
import WavesCore

/// An answer that shows what a code means (the report's exemplar quotes, `--include-text` only).
public struct CodeExemplar: Sendable, Equatable {
    public var code: String
    public var wave: String
    public var role: String?
    public var text: String
}

extension JointDisplay {
    /// Up to `perCode` answers per code carrying it (the code or a child, as `build` counts),
    /// the first in unit order (participant, wave, item), one per participant; no participant id is kept.
    public static func exemplars(codebook: Codebook, units: [CodingUnit], coding: [String: Set<String>], perCode: Int = 2) -> [CodeExemplar] {
        var out: [CodeExemplar] = []
        for c in codebook.flat {
            let subtree = codebook.subtree(c.code.id)
            var seen = Set<String>()
            for u in units where out.filter({ $0.code == c.code.id }).count < perCode {
                guard let applied = coding[u.id], !applied.isDisjoint(with: subtree), seen.insert(u.participant).inserted else { continue }
                out.append(CodeExemplar(code: c.code.id, wave: u.wave, role: u.role, text: u.text))
            }
        }
        return out
    }
}

import Foundation
import WavesCore

/// What one `waves take` run will administer, after every check that must pass before
/// anything is asked: participant (in the roster, when there is one), role, wave, instruments.
public struct TakePlan: Sendable {
    public var bundle: StudyBundle
    public var participant: String
    public var role: String
    public var wave: Wave
    /// In study order.
    public var instruments: [Instrument]

    /// Checks the request against the loaded study.
    ///
    /// - Parameters:
    ///   - role: `--role`; needed only without a roster, and must agree with the roster otherwise.
    ///   - instrument: `--instrument`; default: every instrument of the wave.
    public static func make(bundle: StudyBundle, participant: String, wave: String, role: String? = nil,
                            instrument: String? = nil) throws -> TakePlan {
        let study = bundle.study
        let participant = participant.trimmingCharacters(in: .whitespaces)
        guard !participant.isEmpty else { throw TakeError.emptyParticipant }
        let resolvedRole: String
        if let roster = bundle.roster {
            guard let rr = roster.role(of: participant) else {
                throw TakeError.notInRoster(participant: participant, roster: study.roster ?? "roster.csv")
            }
            if let given = role, given != rr { throw TakeError.roleConflict(participant: participant, rosterRole: rr, given: given) }
            resolvedRole = rr
        } else {
            guard let given = role else { throw TakeError.roleNeeded(roles: study.roles) }
            resolvedRole = given
        }
        guard study.roles.contains(resolvedRole) else { throw TakeError.unknownRole(role: resolvedRole, roles: study.roles) }
        guard let w = study.wave(wave) else { throw TakeError.unknownWave(wave: wave, waves: study.waves.map(\.id)) }
        let atWave = bundle.instruments(at: w.id)
        var chosen = atWave
        if let id = instrument {
            guard bundle.instrument(id) != nil else {
                throw TakeError.unknownInstrument(instrument: id, instruments: bundle.instruments.map(\.id))
            }
            guard let i = atWave.first(where: { $0.id == id }) else {
                throw TakeError.instrumentNotAtWave(instrument: id, wave: w.id, atWave: atWave.map(\.id))
            }
            chosen = [i]
        }
        guard !chosen.isEmpty else { throw TakeError.noInstruments(wave: w.id) }
        return TakePlan(bundle: bundle, participant: participant, role: resolvedRole, wave: w, instruments: chosen)
    }
}

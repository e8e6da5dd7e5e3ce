import ArgumentParser
import Foundation
import WavesAnalysis
import WavesCoding
import WavesCore
import WavesStore

/// `waves simulate`: seeded synthetic responses for a study.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate",
        abstract: "Write synthetic responses for the study (demos, benchmarks); the same seed gives the same bytes.")

    @OptionGroup var options: StudyOptions
    @Option(help: "Number of participants (ignored when the roster lists participants).") var participants = 40
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Mean latent growth per wave, in SD units.") var growth = 0.25
    @Option(help: "SD of individual growth.") var growthSd = 0.15
    @Option(help: "Latent shift of the second role.") var roleEffect = 0.3
    @Option(help: "Item loading (0-1).") var loading = 0.7
    @Option(help: "Probability of dropping out at each wave after baseline.") var dropout = 0.1
    @Option(help: "Probability of missing one later wave.") var skipWave = 0.03
    @Option(help: "Probability that an item is unanswered.") var missing = 0.02
    @Option(help: "Share of participants in the second role (no roster).") var secondRole = 0.35
    @Option(help: "Write the records here instead of the study's store.") var out: String?
    @Flag(help: "Also write the generated participants to the study's roster file.") var writeRoster = false
    @Flag(help: "Append to a store that already holds responses.") var append = false
    @Option(help: "Also simulate these coders' codings of the diary answers, and their consensus: A,B (needs a codebook).") var coders: String?

    func run() throws {
        var bundle = try options.loadBundle()
        var o = SimulationOptions()
        o.participants = participants; o.seed = seed; o.growth = growth; o.growthSD = growthSd
        o.roleEffect = roleEffect; o.loading = loading; o.dropout = dropout; o.skipWave = skipWave
        o.missing = missing; o.secondRoleFraction = secondRole
        let rosterListsPeople = !(bundle.roster?.entries.isEmpty ?? true)
        if writeRoster { bundle.roster = nil }
        let result = try Simulator.simulate(bundle, o)
        // --out is any file but the study's own (a simulation never lands in the store, the roster,
        // data/ … through --out; without --out it goes to the store on purpose).
        let target = try out.map { try OutputTarget(URL(fileURLWithPath: $0).standardizedFileURL,
                                                   protecting: StudyFiles(study: bundle.study)).url } ?? bundle.study.storeURL
        let store = ResponseStore(url: target)
        if out == nil, !append, let attrs = try? FileManager.default.attributesOfItem(atPath: target.path),
           let size = attrs[.size] as? Int, size > 0 {
            throw CLIFailure("the store already holds responses; pass --append to add simulated ones, or --out FILE")
        }
        let rosterNote = try updateRoster(bundle: bundle, listsPeople: rosterListsPeople, generated: result.roster)
        // Write in slices so that a very large simulation does not hold all JSON text at once.
        var i = 0
        while i < result.records.count {
            let j = min(i + 20_000, result.records.count)
            try store.append(Array(result.records[i..<j]))
            i = j
        }
        Output.out("Simulated \(result.roster.count) participant(s), \(result.records.count) record(s) (seed \(seed)) into \(target.path)")
        if let n = rosterNote { Output.out(n) }
        if let coders { try simulateCoders(coders.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
    }

    /// Keeps the roster in step with simulated records written into the study: `--write-roster`
    /// replaces it with the simulated participants; otherwise, when the study has a roster
    /// that lists nobody (as `waves init` leaves it) and the records go into the study's
    /// store, the simulated participants are added to it, so `waves validate` finds them.
    /// Records sent elsewhere with `--out` leave the roster alone.
    func updateRoster(bundle: StudyBundle, listsPeople: Bool, generated: [(participant: String, role: String)]) throws -> String? {
        guard let rp = bundle.study.roster else {
            if writeRoster { throw CLIFailure("study.yaml names no roster file to write") }
            return nil
        }
        guard writeRoster || (out == nil && !listsPeople) else { return nil }
        let url: URL
        do { url = try StudyPath.resolve(rp, kind: .roster, in: options.folders) } catch { throw CLIFailure(error.description) }
        var text = writeRoster ? "participant,role\n" : ""
        for p in generated { text += CSVWriter.line([p.participant, p.role]) + "\n" }
        if writeRoster {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return nil
        }
        // Append below the header (and any extra columns' header, which the new rows leave empty).
        let old = (try? String(contentsOf: url, encoding: .utf8)) ?? "participant,role\n"
        let header = old.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? "participant,role"
        let columns = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if columns.count > 2 || columns.first != "participant" {
            text = ""
            for p in generated { text += CSVWriter.line(columns.map { $0 == "participant" ? p.participant : $0 == "role" ? p.role : "" }) + "\n" }
        }
        try ((old.hasSuffix("\n") || old.isEmpty ? old : old + "\n") + text).write(to: url, atomically: true, encoding: .utf8)
        return "Added \(generated.count) simulated participant(s) to \(rp) (it listed nobody); pass --write-roster to replace it instead."
    }

    /// Simulated codings (SimulatedCoders), appended to the coders' files of the study.
    func simulateCoders(_ names: [String]) throws {
        guard out == nil else { throw CLIFailure("--coders writes into the study's data/coding/; it cannot go with --out") }
        let project = try CodingProject.load(directory: options.directory, codebook: nil)
        for (coder, decisions) in try SimulatedCoders.make(project, coders: names, seed: seed) {
            let log = try project.log(coder)
            if log.exists { throw CLIFailure("\(log.displayPath) already exists; simulated codings go only into a study without them") }
            for d in decisions { try log.append(d) }
            Output.out("Simulated \(decisions.count) coding decision(s) of \(coder) into \(log.displayPath)")
        }
    }
}

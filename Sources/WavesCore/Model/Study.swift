import Foundation

/// A study (`format: waves.study/1`): waves, roles and which instruments run when.
public struct Study: Sendable, Equatable {
    public var id: String
    public var title: String
    /// Roles; the first is the reference level.
    public var roles: [String]
    /// Waves in time order; the first is the baseline.
    public var waves: [Wave]
    public var instruments: [StudyInstrument]
    /// Roster path relative to the study folder, when the study has one.
    public var roster: String?
    /// The study folder.
    public var directory: URL

    public init(id: String, title: String, roles: [String], waves: [Wave], instruments: [StudyInstrument],
                roster: String?, directory: URL) {
        self.id = id; self.title = title; self.roles = roles; self.waves = waves
        self.instruments = instruments; self.roster = roster; self.directory = directory
    }

    public func wave(_ id: String) -> Wave? { waves.first { $0.id == id } }
    public func waveIndex(_ id: String) -> Int? { waves.firstIndex { $0.id == id } }

    /// Instruments given at a wave, in study order.
    public func instruments(at wave: String) -> [StudyInstrument] {
        instruments.filter { $0.waves == nil || $0.waves!.contains(wave) }
    }

    /// The store file.
    public var storeURL: URL { Study.storeURL(in: directory) }
    /// The drafts folder.
    public var draftsURL: URL { Study.draftsURL(in: directory) }

    /// The store file of the study folder `directory` (`data/responses.jsonl`).
    public static func storeURL(in directory: URL) -> URL { directory.appendingPathComponent("data/responses.jsonl") }
    /// The drafts folder of the study folder `directory` (`data/drafts`).
    public static func draftsURL(in directory: URL) -> URL { directory.appendingPathComponent("data/drafts", isDirectory: true) }
}

/// One wave of data collection.
public struct Wave: Sendable, Equatable {
    public var id: String
    public var label: String
    /// Time for linear models (e.g. months); defaults to the wave's position.
    public var time: Double
    public init(id: String, label: String, time: Double) { self.id = id; self.label = label; self.time = time }
}

/// An instrument entry of study.yaml.
public struct StudyInstrument: Sendable, Equatable {
    public var path: String
    /// Waves at which it is given; nil means every wave.
    public var waves: [String]?
    public init(path: String, waves: [String]? = nil) { self.path = path; self.waves = waves }
}

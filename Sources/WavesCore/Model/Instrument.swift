import Foundation

/// An instrument (`format: waves.instrument/1`): items, response sets and scales.
public struct Instrument: Sendable, Equatable {
    public var id: String
    public var version: String
    public var title: String
    public var language: String?
    public var intro: String?
    /// Response sets by id, in file order.
    public var responseSets: [ResponseSet]
    public var items: [Item] { didSet { itemPositions = Self.positions(items) } }
    public var scales: [Scale]
    /// Lower-case hex SHA-256 of the instrument file's bytes.
    public var sha256: String
    /// Path of the file, relative to the study folder when loaded from a study.
    public var path: String
    /// The file's bytes as loaded (hashed into `sha256`), kept under
    /// `data/instruments/<sha256>.yaml` on first use (`InstrumentArchive`); empty when built in code.
    public var source: Data = Data()
    /// Other languages of the instrument's texts (`translations:`), by language code.
    public var translations: [String: Translation] = [:]

    public init(id: String, version: String, title: String, language: String? = nil, intro: String? = nil,
                responseSets: [ResponseSet], items: [Item], scales: [Scale], sha256: String, path: String) {
        self.id = id; self.version = version; self.title = title; self.language = language; self.intro = intro
        self.responseSets = responseSets; self.items = items; self.scales = scales; self.sha256 = sha256; self.path = path
        self.itemPositions = Self.positions(items)
    }

    /// Where each item id first appears in `items`, kept with them: `item(_:)` is asked for
    /// every answer of every record when a large store is scored (a linear search made
    /// `waves score` quadratic in the items, a minute at 100,000 participants).
    private var itemPositions: [String: Int] = [:]

    private static func positions(_ items: [Item]) -> [String: Int] {
        var out: [String: Int] = [:]
        for (k, item) in items.enumerated() where out[item.id] == nil { out[item.id] = k }
        return out
    }

    /// The item with this id, if any (the first, should ids repeat).
    public func item(_ id: String) -> Item? { itemPositions[id].map { items[$0] } }

    /// The position in `items` of the item with this id (the first, should ids repeat).
    public func position(of id: String) -> Int? { itemPositions[id] }

    /// Whether no item id repeats.
    public var itemIDsAreDistinct: Bool { itemPositions.count == items.count }

    /// Index of each item id in instrument order.
    public var itemIndex: [String: Int] {
        Dictionary(uniqueKeysWithValues: items.enumerated().map { ($1.id, $0) })
    }

    /// The scale with this id, if any.
    public func scale(_ id: String) -> Scale? { scales.first { $0.id == id } }

    /// Items that take an answer (everything but notes), in order.
    public var answerableItems: [Item] { items.filter { $0.type != .note } }
}

/// An ordered set of options with the values stored for them.
public struct ResponseSet: Sendable, Equatable {
    public var id: String
    public var options: [ResponseOption]
    /// Offers "Prefer not to answer".
    public var allowDecline: Bool
    /// Offers "Don't know" (`allow_dont_know`), stored in the record's `dont_know` list; missing in analyses.
    public var allowDontKnow: Bool = false

    public init(id: String, options: [ResponseOption], allowDecline: Bool) {
        self.id = id; self.options = options; self.allowDecline = allowDecline
    }

    public var minValue: Double { options.map(\.value).min() ?? 0 }
    public var maxValue: Double { options.map(\.value).max() ?? 0 }

    /// The option stored as `value`, if any.
    public func option(for value: Double) -> ResponseOption? { options.first { $0.value == value } }
}

/// One answer option: the stored value and its label.
public struct ResponseOption: Sendable, Equatable {
    public var value: Double
    public var label: String
    public init(value: Double, label: String) { self.value = value; self.label = label }
}

/// The kind of answer an item takes.
public enum ItemType: String, Sendable, CaseIterable {
    case likert, choice, number, text, note
}

/// One item of an instrument.
public struct Item: Sendable, Equatable {
    public var id: String
    public var type: ItemType
    public var text: String
    /// The response set for likert and choice items (resolved from `response:` or inline `options:`).
    public var responseSet: ResponseSet?
    public var reverse: Bool
    public var required: Bool
    /// The parsed `show_if` condition, and its source text.
    public var showIf: Condition?
    public var showIfSource: String?
    /// Range of a number item.
    public var min: Double?
    public var max: Double?
    /// Source line of the item in its file (1-based), for messages.
    public var line: Int

    public init(id: String, type: ItemType, text: String, responseSet: ResponseSet? = nil, reverse: Bool = false,
                required: Bool = false, showIf: Condition? = nil, showIfSource: String? = nil,
                min: Double? = nil, max: Double? = nil, line: Int = 0) {
        self.id = id; self.type = type; self.text = text; self.responseSet = responseSet; self.reverse = reverse
        self.required = required; self.showIf = showIf; self.showIfSource = showIfSource
        self.min = min; self.max = max; self.line = line
    }

    /// Whether "Prefer not to answer" is offered.
    public var allowsDecline: Bool { responseSet?.allowDecline ?? false }

    /// Whether "Don't know" is offered (`allow_dont_know` on the response set).
    public var allowsDontKnow: Bool { responseSet?.allowDontKnow ?? false }
}

/// How a scale score is formed.
public enum ScoreRule: String, Sendable {
    /// Mean of the answered items.
    case mean
    /// Prorated sum: mean of the answered items times the number of items.
    case sum
}

/// A scale: items scored together.
public struct Scale: Sendable, Equatable {
    public var id: String
    public var label: String
    public var items: [String]
    public var score: ScoreRule
    /// Fraction of items that must be answered for a score (0...1).
    public var minAnswered: Double

    public init(id: String, label: String, items: [String], score: ScoreRule = .mean, minAnswered: Double = 1.0) {
        self.id = id; self.label = label; self.items = items; self.score = score; self.minAnswered = minAnswered
    }
}

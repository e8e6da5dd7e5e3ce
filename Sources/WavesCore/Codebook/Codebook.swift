import Foundation

/// A codebook (`format: waves.codebook/1`): a tree of codes for free-text answers.
public struct Codebook: Sendable, Equatable {
    public var id: String
    public var version: String
    public var title: String
    public var description: String?
    /// The top-level codes; each may hold child codes.
    public var codes: [Code]
    /// Lower-case hex SHA-256 of the file's bytes (a change between coding sessions is visible).
    public var sha256: String
    /// Path of the file, relative to the study folder when loaded from a study.
    public var path: String
    /// Every code depth-first, in file order, with its depth and parent.
    public let flat: [FlatCode]
    private let index: [String: Int]

    public init(id: String, version: String, title: String, description: String? = nil, codes: [Code],
                sha256: String, path: String) {
        self.id = id; self.version = version; self.title = title; self.description = description
        self.codes = codes; self.sha256 = sha256; self.path = path
        var flat: [FlatCode] = []
        func walk(_ cs: [Code], depth: Int, parent: String?) {
            for c in cs {
                flat.append(FlatCode(code: c, depth: depth, parent: parent))
                walk(c.codes, depth: depth + 1, parent: c.id)
            }
        }
        walk(codes, depth: 0, parent: nil)
        self.flat = flat
        var index: [String: Int] = [:]
        for (i, f) in flat.enumerated() where index[f.code.id] == nil { index[f.code.id] = i }
        self.index = index
    }

    public static func == (a: Codebook, b: Codebook) -> Bool {
        a.id == b.id && a.version == b.version && a.title == b.title && a.description == b.description
            && a.codes == b.codes && a.sha256 == b.sha256 && a.path == b.path
    }

    /// The code with this id anywhere in the tree.
    public func code(_ id: String) -> Code? { index[id].map { flat[$0].code } }

    /// Whether the tree defines this id.
    public func contains(_ id: String) -> Bool { index[id] != nil }

    /// The code's parent id (nil for a top-level code or an unknown id).
    public func parent(of id: String) -> String? { index[id].flatMap { flat[$0].parent } }

    /// The code and every code below it.
    public func subtree(_ id: String) -> Set<String> {
        guard let c = code(id) else { return [] }
        var out: Set<String> = [id]
        func walk(_ cs: [Code]) { for x in cs { out.insert(x.id); walk(x.codes) } }
        walk(c.codes)
        return out
    }

    /// Whether a code counts as present in a set of applied codes: it or one of its descendants
    /// was applied (the rule of `waves agreement` and the joint display, spec/cli.md).
    public func isPresent(_ id: String, in applied: Set<String>) -> Bool {
        if applied.contains(id) { return true }
        return !subtree(id).isDisjoint(with: applied)
    }

    /// The labels from the top of the tree down to this code ("Ecosystem › Micro").
    public func path(of id: String) -> [String] {
        var out: [String] = []
        var cur: String? = id
        while let c = cur, let i = index[c] { out.insert(flat[i].code.label, at: 0); cur = flat[i].parent }
        return out
    }
}

/// One code of a codebook.
public struct Code: Sendable, Equatable {
    /// `[a-z][a-z0-9_-]*`, unique within the codebook.
    public var id: String
    public var label: String
    /// What the code means.
    public var definition: String
    /// When to apply it.
    public var include: String?
    /// When not to apply it (and which code to use instead).
    public var exclude: String?
    /// Example sentences that carry the code.
    public var examples: [String]
    /// Child codes.
    public var codes: [Code]
    /// Source line in the codebook file (1-based), for messages.
    public var line: Int

    public init(id: String, label: String, definition: String, include: String? = nil, exclude: String? = nil,
                examples: [String] = [], codes: [Code] = [], line: Int = 0) {
        self.id = id; self.label = label; self.definition = definition; self.include = include
        self.exclude = exclude; self.examples = examples; self.codes = codes; self.line = line
    }
}

/// A code in the depth-first listing of a codebook.
public struct FlatCode: Sendable, Equatable {
    public var code: Code
    /// 0 for a top-level code.
    public var depth: Int
    public var parent: String?
}

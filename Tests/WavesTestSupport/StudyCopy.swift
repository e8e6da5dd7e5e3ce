import Foundation

/// A study copied into a test's folder, and its store's lines, for tests that change a store
/// under a running `waves` (the derived caches' tests: `FuzzTests`, `AppendedStoreTests`).
public enum StudyCopy {
    /// The demo study (`datasets/pmi-demo`) copied to `dir`/S without any derived cache
    /// (`data/*.cache`), so that the first run makes them.
    public static func demoWithoutCaches(in dir: URL) throws -> URL {
        let study = dir.appendingPathComponent("S")
        try FileManager.default.copyItem(at: WavesProcess.repoRoot.appendingPathComponent("datasets/pmi-demo"), to: study)
        let data = study.appendingPathComponent("data")
        for f in try FileManager.default.contentsOfDirectory(atPath: data.path) where f.hasSuffix(".cache") {
            try FileManager.default.removeItem(at: data.appendingPathComponent(f))
        }
        return study
    }

    /// The store's lines, each with its line end.
    public static func lines(of store: URL) throws -> [Data] {
        try Data(contentsOf: store).split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) + Data([0x0A]) }
    }

    /// Appends `lines` to the store in place (the same file, as a submission does).
    public static func append(_ lines: some Sequence<Data>, to store: URL) throws {
        let h = try FileHandle(forWritingTo: store)
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: lines.reduce(Data(), +))
    }
}

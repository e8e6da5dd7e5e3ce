import Foundation
import XCTest

/// Package.swift's dependencies match the imports exactly (issue 11.7): every target declares
/// each module its files import, and imports each module it declares. A module used without
/// being declared builds only by accident (through another target), and a declared module that
/// is never imported misleads the reader about the design's walls.
final class PackageDependencyTests: XCTestCase {
    /// Modules of the toolchain and the platform, never declared in Package.swift.
    static let platform: Set<String> = ["Foundation", "FoundationXML", "FoundationNetworking", "FoundationEssentials",
                                        "Glibc", "Musl", "Darwin", "Dispatch", "XCTest", "Testing", "PackageDescription"]

    struct Target { var kind: String; var name: String; var declared: Set<String> }

    /// Every target of Package.swift with the module names of its `dependencies:`.
    static func targets(_ manifest: String) throws -> [Target] {
        let target = try NSRegularExpression(pattern: #"\.(target|executableTarget|testTarget)\(\s*name:\s*"([^"]+)"\s*,\s*dependencies:\s*\[(.*?)\]\s*[,)]"#,
                                             options: [.dotMatchesLineSeparators])
        let product = try NSRegularExpression(pattern: #"\.product\(\s*name:\s*"([^"]+)"[^)]*\)"#)
        let plain = try NSRegularExpression(pattern: #""([^"]+)""#)
        let ns = manifest as NSString
        return target.matches(in: manifest, range: NSRange(location: 0, length: ns.length)).map { m in
            let deps = ns.substring(with: m.range(at: 3))
            let dns = deps as NSString
            var declared = Set(product.matches(in: deps, range: NSRange(location: 0, length: dns.length)).map { dns.substring(with: $0.range(at: 1)) })
            let rest = product.stringByReplacingMatches(in: deps, range: NSRange(location: 0, length: dns.length), withTemplate: "")
            let rns = rest as NSString
            declared.formUnion(plain.matches(in: rest, range: NSRange(location: 0, length: rns.length)).map { rns.substring(with: $0.range(at: 1)) })
            return Target(kind: ns.substring(with: m.range(at: 1)), name: ns.substring(with: m.range(at: 2)), declared: declared)
        }
    }

    /// The modules the Swift files under `folder` import (any access level or attribute, conditional or not).
    static func imports(under folder: URL) throws -> Set<String> {
        let line = try NSRegularExpression(pattern: #"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|internal|private|fileprivate|package)\s+)?import\s+(?:(?:struct|class|enum|func|var|let|protocol|typealias)\s+)?(\w+)"#,
                                           options: [.anchorsMatchLines])
        var found = Set<String>()
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let f = files?.nextObject() as? URL {
            guard f.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: f, encoding: .utf8)
            let ns = text as NSString
            for m in line.matches(in: text, range: NSRange(location: 0, length: ns.length)) { found.insert(ns.substring(with: m.range(at: 1))) }
        }
        return found.subtracting(platform)
    }

    func testDependenciesMatchImports() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let targets = try Self.targets(String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8))
        XCTAssertGreaterThan(targets.count, 10, "Package.swift's targets were not found")
        XCTAssertTrue(targets.contains { $0.name == "WavesCLI" && $0.declared.contains("ArgumentParser") }, "products are not read")
        for t in targets {
            var folder = root.appendingPathComponent(t.kind == "testTarget" ? "Tests" : "Sources").appendingPathComponent(t.name)
            // A support target kept under Tests/ (`path: "Tests/…"`).
            if !FileManager.default.fileExists(atPath: folder.path) { folder = root.appendingPathComponent("Tests").appendingPathComponent(t.name) }
            let imported = try Self.imports(under: folder)
            XCTAssertEqual(t.declared.subtracting(imported).sorted(), [], "\(t.name) declares dependencies it never imports")
            XCTAssertEqual(imported.subtracting(t.declared).sorted(), [], "\(t.name) imports modules Package.swift does not declare for it")
        }
    }

    /// The checker itself: a made-up manifest and folder that diverge are caught.
    func testCheckerSeesBothDirections() throws {
        let manifest = #"""
        .target(name: "A", dependencies: ["B", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "ATests", dependencies: ["A"], exclude: ["Fixtures"]),
        """#
        let t = try Self.targets(manifest)
        XCTAssertEqual(t.map(\.name), ["A", "ATests"])
        XCTAssertEqual(t[0].declared, ["B", "Yams"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "import Foundation\ninternal import C\n#if canImport(Glibc)\nimport Glibc\n#endif\n@testable import A\n"
            .write(to: dir.appendingPathComponent("Sub/x.swift"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try Self.imports(under: dir), ["A", "C"])
    }
}

import XCTest
@testable import WavesCore

/// `translations:` (spec formats.md): complete and consistent translations load; a missing
/// or extra text is a located error naming the item and the language; fuzzed files never crash.
final class TranslationTests: XCTestCase {
    static let complete = """
    format: waves.instrument/1
    id: pi
    version: 1.0.0
    title: Identity
    language: en
    intro: Hello
    response_sets:
      agree3:
        options:
          - {value: 1, label: Disagree}
          - {value: 2, label: Neutral}
          - {value: 3, label: Agree}
    items:
      - {id: a1, text: First, response: agree3}
      - {id: a2, text: Second, options: [{value: 1, label: Yes}, {value: 2, label: No}]}
    scales:
      - {id: s, label: Scale, items: [a1]}
    translations:
      ms:
        title: Identiti
        intro: Helo
        items:
          a1: Pertama
          a2: Kedua
        options:
          agree3: {1: Tidak setuju, 2: Neutral, 3: Setuju}
          a2: {1: Ya, 2: Tidak}
        scales:
          s: Skala
    """

    func load(_ text: String) throws -> Instrument { try InstrumentLoader.load(data: Data(text.utf8), displayPath: "pi.yaml") }

    func problems(_ text: String) -> [String] {
        do { _ = try load(text); return [] } catch let e as LoadError { return e.problems.map(\.description) } catch { return ["\(error)"] }
    }

    func testACompleteTranslationLoadsAndReplacesOnlyTexts() throws {
        let inst = try load(Self.complete)
        XCTAssertEqual(inst.languages, ["en", "ms"])
        let ms = try XCTUnwrap(inst.translated(to: "ms"))
        XCTAssertEqual(ms.title, "Identiti")
        XCTAssertEqual(ms.intro, "Helo")
        XCTAssertEqual(ms.language, "ms")
        XCTAssertEqual(ms.items.map(\.text), ["Pertama", "Kedua"])
        XCTAssertEqual(ms.item("a1")?.responseSet?.options.map(\.label), ["Tidak setuju", "Neutral", "Setuju"])
        XCTAssertEqual(ms.item("a2")?.responseSet?.options.map(\.label), ["Ya", "Tidak"])
        XCTAssertEqual(ms.scales.map(\.label), ["Skala"])
        // Same data in every language: ids, values, scales, hash.
        XCTAssertEqual(ms.items.map(\.id), inst.items.map(\.id))
        XCTAssertEqual(ms.item("a1")?.responseSet?.options.map(\.value), inst.item("a1")?.responseSet?.options.map(\.value))
        XCTAssertEqual(ms.sha256, inst.sha256)
        XCTAssertEqual(inst.translated(to: "en")?.title, "Identity")
        XCTAssertNil(inst.translated(to: "fr"))
    }

    func testMissingTextsAreLocatedErrorsNamingItemAndLanguage() {
        let noItem = problems(Self.complete.replacingOccurrences(of: "      a2: Kedua\n", with: ""))
        XCTAssertEqual(noItem.count, 1, "\(noItem)")
        XCTAssertTrue(noItem[0].hasPrefix("pi.yaml:23:7:"), noItem[0])
        XCTAssertTrue(noItem[0].contains("translation 'ms' has no text for item 'a2'"), noItem[0])
        let noOption = problems(Self.complete.replacingOccurrences(of: ", 3: Setuju}", with: "}"))
        XCTAssertTrue(noOption.contains { $0.contains("translation 'ms' has no label for option(s) 3 of response set 'agree3'") }, "\(noOption)")
        let noScale = problems(Self.complete.replacingOccurrences(of: "\n    scales:\n      s: Skala", with: ""))
        XCTAssertTrue(noScale.contains { $0.contains("translation 'ms' has no label for scale 's'") }, "\(noScale)")
        let noTitle = problems(Self.complete.replacingOccurrences(of: "    title: Identiti\n", with: ""))
        XCTAssertTrue(noTitle.contains { $0.contains("translation 'ms' has no title") }, "\(noTitle)")
        let noIntro = problems(Self.complete.replacingOccurrences(of: "    intro: Helo\n", with: ""))
        XCTAssertTrue(noIntro.contains { $0.contains("translation 'ms' has no intro") }, "\(noIntro)")
    }

    func testInconsistentTranslationsAreErrors() {
        let extraItem = problems(Self.complete.replacingOccurrences(of: "      a2: Kedua\n", with: "      a2: Kedua\n      a9: Lain\n"))
        XCTAssertTrue(extraItem.contains { $0.contains("translation 'ms' names item 'a9', which the instrument does not have") }, "\(extraItem)")
        let badValue = problems(Self.complete.replacingOccurrences(of: "3: Setuju", with: "3: Setuju, 4: Sangat"))
        XCTAssertTrue(badValue.contains { $0.contains("response set 'agree3' has no option value '4' (its values: 1, 2, 3)") }, "\(badValue)")
    }

    /// Random edits of the translation block: a result or located problems, never a crash.
    func testFuzzedTranslationsNeverCrash() {
        let start = Self.complete.range(of: "translations:")!.lowerBound
        let head = String(Self.complete[..<start]), tail = Array(Self.complete[start...].utf8)
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array(":{}[],- \n'\"a1".utf8)
        for _ in 0..<400 {
            var t = tail
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<t.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: t[i] = alphabet.randomElement(using: &rng)!
                case 1: t.remove(at: i)
                default: t.insert(alphabet.randomElement(using: &rng)!, at: i)
                }
            }
            let text = head + String(decoding: t, as: UTF8.self)
            do {
                let inst = try load(text)
                for l in inst.languages { XCTAssertNotNil(inst.translated(to: l)) }
            } catch let e as LoadError {
                XCTAssertFalse(e.problems.isEmpty)
            } catch {
                XCTFail("unexpected error \(error)")
            }
        }
    }
}

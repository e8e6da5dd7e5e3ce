import Foundation
import XCTest
import WavesCore

/// The referee rule both fast decoders are held to (`ColumnDecoder`, `RecordFastDecoder`): on
/// every line, the strict decoder (`ResponseRecord(json:)`) decides; a line the fast path accepts
/// must be one the strict decoder accepts, and `compare` then checks what the fast path read
/// against the strict record. `decode` keeps one decoder for all lines (its caches carried
/// from line to line, as in a scan). Returns how many lines each path accepted.
enum FastPathAgreement {
    @discardableResult
    static func check<Fast>(_ bytes: [UInt8], decode: (UnsafeRawBufferPointer) -> Fast?,
                            compare: (Fast, ResponseRecord, _ shown: String) -> Void,
                            file: StaticString = #filePath, line: UInt = #line) -> (fast: Int, strict: Int) {
        var fast = 0, strict = 0
        for (n, l) in bytes.split(separator: 0x0A).enumerated() {
            let text = Array(l)
            text.withUnsafeBytes { b in
                let reference = try? ResponseRecord(json: JSONParser.parse(b))
                if reference != nil { strict += 1 }
                guard let read = decode(b) else { return }
                fast += 1
                let shown = "line \(n + 1): \(String(decoding: text, as: UTF8.self))"
                guard let reference else {
                    XCTFail("\(shown): the fast path accepted a line the strict decoder rejects", file: file, line: line)
                    return
                }
                compare(read, reference, shown)
            }
        }
        return (fast, strict)
    }
}

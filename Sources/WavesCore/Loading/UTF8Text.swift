import Foundation

/// The bytes of a text file (instrument, study.yaml, roster, import CSV) as a String,
/// or the place where they stop being UTF-8.
///
/// Validation is the standard library's (`Unicode.UTF8.ForwardParser`, which follows
/// Unicode Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF); this
/// type only counts lines and bytes so that the message can say where:
/// `instruments/reflection.yaml:12: byte 7: not valid UTF-8 (0xFF)`.
public enum UTF8Text {
    /// Where a file stops being UTF-8: the 1-based line, the 1-based byte within that
    /// line, and the offending byte.
    public struct Invalid: Error, Equatable, Sendable {
        public var line: Int
        public var byte: Int
        public var value: UInt8

        /// "byte 7: not valid UTF-8 (0xFF)", to follow "file:line: ".
        public var message: String {
            "byte \(byte): not valid UTF-8 (0x\(String(value, radix: 16, uppercase: true).leftPadded(2)))"
        }

        /// A located problem for `file`.
        public func problem(file: String) -> Problem { Problem(file: file, line: line, message: message) }
    }

    /// The first place where `data` is not well-formed UTF-8, or nil when all of it is.
    public static func firstInvalid(_ data: Data) -> Invalid? {
        data.withUnsafeBytes { firstInvalid($0) }
    }

    /// The first place where `bytes` are not well-formed UTF-8, or nil when all are; the bytes
    /// begin at byte `byteInLine` of line `line` of their file (a file read in slices).
    /// Slices of plain ASCII, the usual case, are passed by a word-at-a-time check.
    public static func firstInvalid(_ raw: UnsafeRawBufferPointer, line firstLine: Int = 1, byteInLine: Int = 1) -> Invalid? {
        if isASCII(raw) { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var it = raw.makeIterator()
        var offset = 0, line = firstLine, lineStart = 1 - byteInLine
        while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == 0x0A { line += 1; lineStart = offset + 1 }
                offset += encoded.count
            case .error:
                return Invalid(line: line, byte: offset - lineStart + 1, value: raw[offset])
            case .emptyInput:
                return nil
            }
        }
    }

    /// Whether every byte is below 0x80 (then the bytes are UTF-8).
    static func isASCII(_ raw: UnsafeRawBufferPointer) -> Bool {
        let n = raw.count
        var i = 0
        var acc: UInt64 = 0
        while i + 8 <= n { acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self); i += 8 }
        while i < n { acc |= UInt64(raw[i]); i += 1 }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    /// Decodes `data`, or throws a `LoadError` located at the first byte that is not UTF-8.
    public static func decode(_ data: Data, file: String) throws -> String {
        if let bad = firstInvalid(data) { throw LoadError([bad.problem(file: file)]) }
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

import Foundation
import WavesCore

/// Fitting text into the byte and character limits of SPSS and Stata files.
enum TextLimits {
    /// SPSS variable labels (bytes; ReadStat writes at most 256).
    static let spssVariableLabel = 255
    /// SPSS value labels (bytes; ReadStat writes at most 120).
    static let spssValueLabel = 120
    /// SPSS file label (bytes of the header field).
    static let spssFileLabel = 64
    /// SPSS string variables (bytes).
    static let spssStringWidth = 32_767
    /// Stata variable and data labels (characters, at most 4 bytes each in the 321-byte field).
    static let stataLabelCharacters = 80
    static let stataLabelBytes = 320
    /// Stata value labels (bytes).
    static let stataValueLabel = 32_000
    /// Stata fixed-width strings (bytes); longer text is written as strL.
    static let stataStrWidth = 2045

    /// The longest prefix of `s` with at most `maxBytes` UTF-8 bytes and `maxCharacters`
    /// characters, cut between characters; an ellipsis marks a cut.
    static func fit(_ s: String, maxBytes: Int, maxCharacters: Int = .max) -> String {
        if s.utf8.count <= maxBytes && s.count <= maxCharacters { return s }
        let ellipsis = "…"
        let budgetBytes = maxBytes - ellipsis.utf8.count
        let budgetChars = maxCharacters == .max ? .max : maxCharacters - 1
        var out = ""
        var bytes = 0
        var chars = 0
        for ch in s {
            let n = String(ch).utf8.count
            if bytes + n > budgetBytes || chars + 1 > budgetChars { break }
            out.append(ch)
            bytes += n
            chars += 1
        }
        while out.last?.isWhitespace == true { out.removeLast() }
        return out + ellipsis
    }

    /// One line: control characters removed (`SafeText.stripControls`, escape sequences whole),
    /// line breaks and tabs become spaces (labels are single lines). Every label, codebook
    /// cell and syntax comment of an export passes through here.
    static func oneLine(_ s: String) -> String {
        var out = ""
        var lastSpace = false
        for ch in SafeText.stripControls(s) {
            if ch.isNewline || ch == "\t" {
                if !lastSpace { out.append(" ") }
                lastSpace = true
            } else {
                out.append(ch)
                lastSpace = ch == " "
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}

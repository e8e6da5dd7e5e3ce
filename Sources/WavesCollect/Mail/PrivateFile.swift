import Foundation

/// Names of files that hold one participant's things (`.eml` messages, session locks).
/// Writing them goes through `OutputTarget` (mode 0600, never over a study file).
public enum PrivateFile {
    /// `<participant>.eml`, every byte outside `[A-Za-z0-9-]` written `%XX`, so any id is a safe, distinct name.
    public static func messageName(_ participant: String) -> String {
        var out = ""
        for b in participant.utf8 {
            let c = Character(Unicode.Scalar(b))
            if c.isASCII && (c.isLetter || c.isNumber || c == "-") { out.append(c) } else { out += String(format: "%%%02X", b) }
        }
        return out + ".eml"
    }
}

import Foundation
import WavesCore

/// An invitation or reminder template the evaluator can edit (`templates/invitation.txt`,
/// `templates/reminder.txt`, copied into the study by `waves init`; docs/collection.md).
///
/// The file starts with header lines (`Subject:` required; `From:` and `Reply-To:`
/// optional), then a blank line, then the body. `{{placeholder}}` anywhere is replaced by
/// the participant's value; an unknown placeholder is an error naming its line.
public struct MailTemplate: Sendable, Equatable {
    public static let placeholders: [String] = [
        "name", "participant", "email", "study", "wave", "wave_id", "opens", "closes", "window",
        "code", "access", "instructions", "invited_on",
    ]
    public static let allowedHeaders = ["Subject", "From", "Reply-To"]

    public var headers: [(name: String, value: String)]
    public var body: String
    public var path: String

    public static func == (a: MailTemplate, b: MailTemplate) -> Bool {
        a.body == b.body && a.path == b.path && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }

    public init(text: String, path: String) throws {
        self.path = path
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var headers: [(name: String, value: String)] = []
        var i = 0
        while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
            let line = lines[i]
            guard let colon = line.firstIndex(of: ":") else {
                throw CollectError.template(path: path, line: i + 1, reason: "expected a header line such as 'Subject: …' (headers come first, then a blank line, then the message)")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard let canonical = Self.allowedHeaders.first(where: { $0.lowercased() == name.lowercased() }) else {
                throw CollectError.template(path: path, line: i + 1, reason: "header '\(name)' is not one a template may set (\(Self.allowedHeaders.joined(separator: ", ")); To, Date and Message-ID are set by Waves)")
            }
            headers.append((canonical, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            i += 1
        }
        guard headers.contains(where: { $0.name == "Subject" }) else {
            throw CollectError.template(path: path, line: 1, reason: "the template has no 'Subject:' line at the top")
        }
        self.headers = headers
        body = lines[min(i + 1, lines.count)...].joined(separator: "\n")
        for (n, line) in lines.enumerated() {
            for name in Self.names(in: line) where !Self.placeholders.contains(name) {
                throw CollectError.template(path: path, line: n + 1, reason: "unknown placeholder {{\(name)}} (known: \(Self.placeholders.map { "{{\($0)}}" }.joined(separator: ", ")))")
            }
        }
    }

    public static func load(url: URL) throws -> MailTemplate {
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
            throw CollectError.file(path: url.path, reason: "cannot read the template as UTF-8 text")
        }
        return try MailTemplate(text: text, path: url.path)
    }

    /// Placeholder names in a line (`{{ name }}`, spaces allowed).
    static func names(in line: String) -> [String] {
        var out: [String] = []
        var rest = Substring(line)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return out
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            out += values[rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The filled subject and other headers, and the body.
    public func render(_ values: [String: String]) -> (headers: [(name: String, value: String)], body: String) {
        (headers.map { ($0.name, Self.fill($0.value, values)) }, Self.fill(body, values))
    }
}

import Foundation

/// The codebooks of a study: every `codebooks/*.yaml` file in the study folder.
public struct StudyCodebooks: Sendable {
    /// The folder name inside a study.
    public static let folder = "codebooks"

    /// Codebooks that loaded, in file-name order.
    public var codebooks: [Codebook]
    /// Every problem found (errors of files that did not load, and warnings).
    public var problems: [Problem]

    /// Loads every codebook of the study folder; a study without a `codebooks/` folder has none.
    public static func load(studyDirectory: URL) -> StudyCodebooks {
        let dir = studyDirectory.appendingPathComponent(folder, isDirectory: true)
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else { return StudyCodebooks(codebooks: [], problems: []) }
        var books: [Codebook] = []
        var problems: [Problem] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let shown = "\(folder)/\(name)"
            do {
                // Through the study path resolver: no symbolic link, nothing outside the study.
                let data = try StudyPath.read(shown, kind: .codebook, in: StudyFolders(study: studyDirectory))
                let book = try CodebookLoader.load(data: data, displayPath: shown)
                if let other = books.first(where: { $0.id == book.id }) {
                    problems.append(Problem(file: shown, message: "codebook id '\(book.id)' is also used by \(other.path)"))
                    continue
                }
                let stem = (name as NSString).deletingPathExtension
                if stem != book.id {
                    problems.append(Problem(file: shown, message: "the codebook's id is '\(book.id)'; name the file \(book.id).yaml so `--codebook \(book.id)` finds it by name", severity: .warning))
                }
                books.append(book)
            } catch let e as LoadError {
                problems += e.problems
            } catch let e as StudyPathError {
                problems.append(Problem(file: shown, message: e.description))
            } catch {
                problems.append(Problem(file: shown, message: "\(error)"))
            }
        }
        return StudyCodebooks(codebooks: books, problems: problems)
    }

    /// The codebook named `id`, or the only one when `id` is nil.
    public func resolve(_ id: String?) throws -> Codebook {
        if let id {
            if let b = codebooks.first(where: { $0.id == id }) { return b }
            throw LoadError(file: "\(StudyCodebooks.folder)/", "no codebook '\(id)'" + available)
        }
        if codebooks.count == 1 { return codebooks[0] }
        if codebooks.isEmpty {
            let errors = problems.filter { $0.severity == .error }
            if !errors.isEmpty { throw LoadError(errors) }
            throw LoadError(file: "\(StudyCodebooks.folder)/", "the study has no codebook: copy one into codebooks/ (Waves ships codebooks/ecosystem.yaml; see docs/coding.md)")
        }
        throw LoadError(file: "\(StudyCodebooks.folder)/", "the study has several codebooks; choose one with --codebook" + available)
    }

    private var available: String {
        codebooks.isEmpty ? "" : " (codebooks: \(codebooks.map(\.id).joined(separator: ", ")))"
    }
}

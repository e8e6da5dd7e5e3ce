import Crypto
import Foundation
import XCTest
@testable import WavesServe

final class HostKeyTests: XCTestCase {
    var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("waves-hostkey-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func testMadeOnFirstUseWithMode0600AndReloadedUnchanged() throws {
        let url = dir.appendingPathComponent("ssh_host_ed25519_key")
        let (first, created) = try HostKey.loadOrCreate(at: url)
        XCTAssertTrue(created)
        XCTAssertEqual(try mode(url), 0o600)
        let (second, createdAgain) = try HostKey.loadOrCreate(at: url)
        XCTAssertFalse(createdAgain)
        XCTAssertEqual(first.fingerprint, second.fingerprint)
        XCTAssertEqual(first.privateKey.rawRepresentation, second.privateKey.rawRepresentation)
        XCTAssertTrue(first.fingerprint.hasPrefix("SHA256:"))
        XCTAssertFalse(first.fingerprint.hasSuffix("="))
        XCTAssertEqual(first.fingerprint.count, 7 + 43, "32 bytes are 43 unpadded base64 characters")
    }

    /// RFC 8032 §7.1 test 1: the public key of this seed is d75a9801…511a.
    func testPublicKeyBlobOfTheRFC8032Vector() throws {
        let seed = Data(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let key = HostKey(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
        let pub = Data(hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        XCTAssertEqual(key.publicKeyBlob, [0, 0, 0, 11] + Array("ssh-ed25519".utf8) + [0, 0, 0, 32] + Array(pub))
        XCTAssertEqual(key.openSSHPublicKey, "ssh-ed25519 " + Data(key.publicKeyBlob).base64EncodedString())
    }

    func testFingerprintAndFileFormatAgreeWithSshKeygen() throws {
        guard let keygen = Tool.find("ssh-keygen") else { throw XCTSkip("ssh-keygen is not installed (Debian openssh-client)") }
        let url = dir.appendingPathComponent("key")
        let (key, _) = try HostKey.loadOrCreate(at: url)
        // The public key line, as an evaluator would export it.
        let pubURL = dir.appendingPathComponent("key.pub")
        try (key.openSSHPublicKey + " exported\n").write(to: pubURL, atomically: true, encoding: .utf8)
        let fromPub = try Tool.run(keygen, ["-l", "-E", "sha256", "-f", pubURL.path])
        XCTAssertEqual(fromPub.status, 0, fromPub.stderr)
        XCTAssertEqual(fromPub.stdout.split(separator: " ").dropFirst().first.map(String.init), key.fingerprint, fromPub.stdout)
        // The private key file itself: ssh-keygen reads our OpenSSH container.
        try FileManager.default.removeItem(at: pubURL)
        let fromFile = try Tool.run(keygen, ["-l", "-f", url.path])
        XCTAssertEqual(fromFile.status, 0, fromFile.stderr)
        XCTAssertTrue(fromFile.stdout.contains(key.fingerprint), fromFile.stdout)
        XCTAssertTrue(fromFile.stdout.contains("(ED25519)"), fromFile.stdout)
        let derived = try Tool.run(keygen, ["-y", "-f", url.path])
        XCTAssertEqual(derived.status, 0, derived.stderr)
        XCTAssertTrue(derived.stdout.hasPrefix(key.openSSHPublicKey), derived.stdout)
    }

    func testLoadsAKeyMadeBySshKeygen() throws {
        guard let keygen = Tool.find("ssh-keygen") else { throw XCTSkip("ssh-keygen is not installed (Debian openssh-client)") }
        let url = dir.appendingPathComponent("theirs")
        let made = try Tool.run(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "made by ssh-keygen", "-f", url.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        let key = try HostKey.load(from: url)
        let listed = try Tool.run(keygen, ["-l", "-f", url.path + ".pub"])
        XCTAssertTrue(listed.stdout.contains(key.fingerprint), "\(listed.stdout) vs \(key.fingerprint)")
    }

    func testRefusesAPassphraseProtectedKey() throws {
        guard let keygen = Tool.find("ssh-keygen") else { throw XCTSkip("ssh-keygen is not installed (Debian openssh-client)") }
        let url = dir.appendingPathComponent("locked")
        _ = try Tool.run(keygen, ["-q", "-t", "ed25519", "-N", "secret words", "-f", url.path])
        XCTAssertThrowsError(try HostKey.load(from: url)) { error in
            XCTAssertTrue("\(error.localizedDescription)".contains("passphrase"), error.localizedDescription)
        }
    }

    func testRefusesAKeyOthersMayRead() throws {
        let url = dir.appendingPathComponent("open")
        _ = try HostKey.loadOrCreate(at: url)
        chmod(url.path, 0o644)
        XCTAssertThrowsError(try HostKey.load(from: url)) { error in
            let text = error.localizedDescription
            XCTAssertTrue(text.contains("0644") && text.contains("chmod 600"), text)
            XCTAssertTrue(text.hasPrefix(url.path), "the error names the file: \(text)")
        }
    }

    func testRefusesASymbolicLink() throws {
        let real = dir.appendingPathComponent("real")
        _ = try HostKey.loadOrCreate(at: real)
        let link = dir.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        XCTAssertThrowsError(try HostKey.load(from: link)) { XCTAssertTrue($0.localizedDescription.contains("symbolic link")) }
        XCTAssertThrowsError(try HostKey.loadOrCreate(at: link))
    }

    func testADanglingLinkIsNotFollowedToCreateAFile() throws {
        let target = dir.appendingPathComponent("elsewhere")
        let link = dir.appendingPathComponent("dangling")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        XCTAssertThrowsError(try HostKey.loadOrCreate(at: link))
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "no key written through the link")
    }

    func testDamagedFilesAreRefusedWithAReason() throws {
        let good = OpenSSHKeyFile.encodeEd25519(Curve25519.Signing.PrivateKey(), comment: "c")
        let lines = good.split(separator: "\n").map(String.init)
        let cases: [(String, String)] = [
            ("hello\n", "not an OpenSSH private key"),
            (lines[0] + "\n!!!!\n" + lines.last! + "\n", "base64"),
            ([lines[0], String(lines[1].prefix(20)), lines.last!].joined(separator: "\n"), "truncated"),
        ]
        for (i, (text, expected)) in cases.enumerated() {
            let url = dir.appendingPathComponent("bad\(i)")
            _ = FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            XCTAssertThrowsError(try HostKey.load(from: url), "case \(i)") { error in
                XCTAssertTrue(error.localizedDescription.contains(expected), error.localizedDescription)
            }
        }
    }

    func testNeverOverwritesAnExistingFile() throws {
        let url = dir.appendingPathComponent("k")
        let (key, _) = try HostKey.loadOrCreate(at: url)
        XCTAssertThrowsError(try HostKey(privateKey: Curve25519.Signing.PrivateKey()).write(to: url)) {
            XCTAssertEqual($0 as? ServeError, .hostKeyExists(path: url.path))
        }
        XCTAssertEqual(try HostKey.load(from: url).fingerprint, key.fingerprint)
    }
}

extension Data {
    init(hex: String) {
        var bytes: [UInt8] = []
        var it = hex.makeIterator()
        while let a = it.next(), let b = it.next() { bytes.append(UInt8(String([a, b]), radix: 16)!) }
        self.init(bytes)
    }
}

/// Throughput of `JSONParser` on store-shaped JSON Lines, for `waves-bench` and manual checks.
///
/// The sample is deterministic for a seed: response records as in
/// spec/formats.md ("Response record") with 40 answers each (integers 1...7,
/// about 8 % null, the nulls listed in `declined`), about 850 bytes a line.
/// Throughput is bytes parsed per second, in MB (10^6 bytes), best of the runs.
public enum JSONParserBenchmark {
    /// One measurement.
    public struct Measurement: Sendable {
        public let lines: Int
        public let bytes: Int
        /// Best wall-clock time of one pass over all lines.
        public let seconds: Double
        public var megabytesPerSecond: Double { Double(bytes) / seconds / 1e6 }
    }

    /// `count` response records as JSON Lines (each line ends in `\n`).
    public static func sampleResponseLines(count: Int, seed: UInt64 = 2026) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(count * 900)
        let hex = Array("0123456789abcdef".utf8)
        func hexString(_ n: Int, dashes: Set<Int> = []) -> String {
            var s = ""
            for k in 0..<n {
                if dashes.contains(k) { s += "-" }
                s.unicodeScalars.append(Unicode.Scalar(hex[Int(rng.next() & 15)]))
            }
            return s
        }
        let sha = hexString(64)
        let roles = ["mentee", "mentor"]
        let modes = ["terminal", "plain", "import"]
        for _ in 0..<count {
            let participant = 1 + Int(rng.next() % 300)
            let wave = 1 + Int(rng.next() % 4)
            let minute = 10 + Int(rng.next() % 40)
            var line = "{\"format\":\"waves.response/1\",\"id\":\"\(hexString(32, dashes: [8, 12, 16, 20]))\","
            line += "\"study\":\"pmi-2026\",\"participant\":\"P\(participant < 10 ? "00" : participant < 100 ? "0" : "")\(participant)\","
            line += "\"role\":\"\(roles[Int(rng.next() % 2)])\",\"wave\":\"w\(wave)\","
            line += "\"instrument\":{\"id\":\"identity\",\"version\":\"1.0.0\",\"sha256\":\"\(sha)\"},"
            line += "\"started_at\":\"2026-03-0\(wave)T09:\(minute):12Z\",\"submitted_at\":\"2026-03-0\(wave)T10:0\(minute % 10):40Z\","
            line += "\"mode\":\"\(modes[Int(rng.next() % 3)])\",\"answers\":{"
            var declined: [String] = []
            for item in 1...40 {
                let id = "id\(item < 10 ? "0" : "")\(item)"
                if item > 1 { line += "," }
                if rng.next() % 100 < 8 {
                    line += "\"\(id)\":null"
                    declined.append(id)
                } else {
                    line += "\"\(id)\":\(1 + rng.next() % 7)"
                }
            }
            line += "},\"declined\":[" + declined.map { "\"\($0)\"" }.joined(separator: ",") + "]}\n"
            out.append(contentsOf: line.utf8)
        }
        return out
    }

    /// Parses every line of `text` `runs` times and reports the fastest pass.
    ///
    /// Throws the first parse error (the sample has none).
    public static func measure(_ text: [UInt8], runs: Int = 3) throws(JSONParseError) -> Measurement {
        var best = Double.infinity
        var lines = 0
        for _ in 0..<max(1, runs) {
            var firstError: JSONParseError?
            var members = 0
            lines = 0
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                text.withUnsafeBytes { buffer in
                    JSONParser.parseLines(buffer) { _, result in
                        lines += 1
                        switch result {
                        case .success(let v): members += v.objectValue?.members.count ?? 0
                        case .failure(let e): if firstError == nil { firstError = e }
                        }
                    }
                }
            }
            if let e = firstError { throw e }
            if members < 0 { lines = 0 }  // keeps the work observable
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            best = min(best, s)
        }
        return Measurement(lines: lines, bytes: text.count, seconds: best)
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small seeded generator for reproducible samples.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

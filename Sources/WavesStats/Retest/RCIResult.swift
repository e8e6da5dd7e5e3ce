import Foundation

/// Reliable change of each participant between two waves (`waves rci`).
///
/// Jacobson & Truax (1991); see `ReliableChange.compute`. Values that cannot be
/// computed are nil and `reasons` says why.
public struct RCIResult: Equatable, Sendable {
    /// One participant with scores at both waves.
    public struct Pair: Equatable, Sendable {
        /// Position in the input arrays (attach the participant id with it).
        public var index: Int
        public var x1: Double
        public var x2: Double
        /// `(x2 - x1) / sDiff`; nil when sDiff is not available.
        public var rc: Double?
        public var category: ReliableChange.Category?

        public init(index: Int, x1: Double, x2: Double, rc: Double?, category: ReliableChange.Category?) {
            self.index = index
            self.x1 = x1
            self.x2 = x2
            self.rc = rc
            self.category = category
        }
    }

    /// Counts of the categories over `pairs`.
    public struct Summary: Equatable, Sendable {
        public var increase: Int
        public var decrease: Int
        public var noChange: Int

        public init(increase: Int, decrease: Int, noChange: Int) {
            self.increase = increase
            self.decrease = decrease
            self.noChange = noChange
        }
    }

    /// Pairs with both scores present.
    public var n: Int
    public var reliability: Double
    /// SD (n - 1) of the first-wave scores of the pairs.
    public var sdBaseline: Double?
    /// `sqrt(2) * sdBaseline * sqrt(1 - reliability)`.
    public var sDiff: Double?
    public var pairs: [Pair]
    public var summary: Summary
    public var reasons: [String]

    public init(n: Int, reliability: Double, sdBaseline: Double?, sDiff: Double?, pairs: [Pair],
                summary: Summary, reasons: [String]) {
        self.n = n
        self.reliability = reliability
        self.sdBaseline = sdBaseline
        self.sDiff = sDiff
        self.pairs = pairs
        self.summary = summary
        self.reasons = reasons
    }
}

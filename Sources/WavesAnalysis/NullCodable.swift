import Foundation

/// Encodes an optional as JSON `null` instead of leaving the key out.
///
/// The contract (spec/cli.md) shows every key, with `null` where a value cannot
/// be computed; synthesized `Codable` omits nil optionals, so result types wrap
/// their optionals in this. Non-finite Doubles also encode as `null`, never NaN.
@propertyWrapper
public struct NullCodable<T: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: T?

    public init(wrappedValue: T?) { self.wrappedValue = wrappedValue }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let v = wrappedValue {
            if let d = v as? Double, !d.isFinite { try c.encodeNil() } else { try c.encode(v) }
        } else {
            try c.encodeNil()
        }
    }
}

extension NullCodable: Equatable where T: Equatable {}

extension NullCodable: Decodable where T: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(T.self)
    }
}

extension KeyedDecodingContainer {
    /// Lets a missing key decode as nil for `@NullCodable` properties.
    public func decode<T: Decodable>(_ type: NullCodable<T>.Type, forKey key: Key) throws -> NullCodable<T> {
        try decodeIfPresent(type, forKey: key) ?? NullCodable(wrappedValue: nil)
    }
}

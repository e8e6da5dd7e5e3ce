import Foundation

/// A parsed JSON value. Objects keep their members in file order so that
/// unknown keys survive a read and a rewrite unchanged.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var numberValue: Double? { if case .number(let v) = self { return v } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }
}

/// One member of a JSON object. A struct rather than a tuple: arrays of tuples
/// are destroyed through the generic runtime, which showed up in store-read profiles.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue
    @inlinable public init(key: String, value: JSONValue) { self.key = key; self.value = value }
}

/// A JSON object with ordered members. When a key repeats, lookups see the last one.
public struct JSONObject: Sendable, Equatable {
    public var members: [JSONMember]

    public init(members: [JSONMember]) { self.members = members }
    public init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members.map { JSONMember(key: $0.key, value: $0.value) } }

    public subscript(key: String) -> JSONValue? {
        get {
            var i = members.count - 1
            while i >= 0 { if members[i].key == key { return members[i].value }; i -= 1 }
            return nil
        }
        set {
            if let i = members.lastIndex(where: { $0.key == key }) {
                if let v = newValue { members[i].value = v } else { members.remove(at: i) }
            } else if let v = newValue {
                members.append(JSONMember(key: key, value: v))
            }
        }
    }

    public var keys: [String] { members.map(\.key) }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count
            && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

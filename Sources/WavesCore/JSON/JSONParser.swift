import Foundation

/// TEMPORARY: replaced by the streaming byte-level parser (issue 3).
public enum JSONParser {
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        let data = Data(bytes)
        let obj = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return convert(obj)
    }
    public static func parse(_ text: String) throws -> JSONValue {
        var t = text
        return try t.withUTF8 { try parse(UnsafeRawBufferPointer($0)) }
    }
    static func convert(_ o: Any) -> JSONValue {
        switch o {
        case is NSNull: return .null
        case let n as NSNumber:
            return .number(n.doubleValue)
        case let s as String: return .string(s)
        case let a as [Any]: return .array(a.map(convert))
        case let d as [String: Any]: return .object(JSONObject(d.map { ($0.key, convert($0.value)) }))
        default: return .null
        }
    }
}

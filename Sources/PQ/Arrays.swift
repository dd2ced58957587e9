import CLibPQ

/// Element types of one-dimensional arrays, as used with `= ANY($1)`.
public protocol PQArrayElement: PQCodable {
    static var arrayType: UInt32 { get }
    /// The element as it stands inside an array literal, unquoted.
    var arrayLiteralText: String { get }
}

extension String: PQArrayElement {
    public static var arrayType: UInt32 { PQType.textArray }
    public var arrayLiteralText: String { self }
}

extension Int: PQArrayElement {
    public static var arrayType: UInt32 { PQType.int8Array }
    public var arrayLiteralText: String { String(self) }
}

extension Int64: PQArrayElement {
    public static var arrayType: UInt32 { PQType.int8Array }
    public var arrayLiteralText: String { String(self) }
}

extension Array: PQEncodable where Element: PQArrayElement {
    public var pqBind: PQBind {
        var text = "{"
        for (i, element) in enumerated() {
            if i > 0 { text += "," }
            text += "\""
            for c in element.arrayLiteralText {
                if c == "\"" || c == "\\" { text.append("\\") }
                text.append(c)
            }
            text += "\""
        }
        text += "}"
        return .text(text, type: Element.arrayType)
    }
}

extension Array: PQDecodable where Element: PQDecodable {
    /// A built-in array type whose elements `Element` accepts: `[Int]` reads `int4[]`
    /// and `int8[]`, `[String?]` reads `text[]`.
    public static func pqAccepts(type: UInt32) -> Bool {
        guard let element = PQType.element(ofArray: type) else { return false }
        return Element.pqAccepts(type: element)
    }

    /// Reads a one-dimensional array in the server's text form: `{a,"b c",NULL}`.
    public init(pqField field: PQField) throws {
        let elementType = PQType.element(ofArray: field.type) ?? PQType.unknown
        let bytes = try field.require([Element].self)
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { throw field.mismatch([Element].self) }
        var elements: [Element] = []
        var index = 1
        let end = bytes.count - 1
        var item: [UInt8] = []
        while index < end {
            item.removeAll(keepingCapacity: true)
            var quoted = false
            if bytes[index] == UInt8(ascii: "\"") {
                quoted = true
                index += 1
                while index < end, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    item.append(bytes[index])
                    index += 1
                }
                index += 1  // closing quote
            } else {
                while index < end, bytes[index] != UInt8(ascii: ",") {
                    item.append(bytes[index])
                    index += 1
                }
            }
            let isNull = !quoted && item == [UInt8]("NULL".utf8)
            let element = try item.withUnsafeBufferPointer { buffer in
                try Element(pqField: PQField(bytes: isNull ? nil : buffer, type: elementType, result: field.result, column: field.column))
            }
            elements.append(element)
            index += 1  // comma
        }
        self = elements
    }
}

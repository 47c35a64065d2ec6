import Glibc

/// A JSON value as ``JSONParser`` reads it and ``CanonicalJSON`` writes it.
///
/// Two values are equal exactly when their canonical (RFC 8785) bytes are equal: strings compare by their Unicode
/// scalars (not by Swift's canonical equivalence, so `"é"` and `"e\u{301}"` differ), numbers by value and objects
/// regardless of member order.
///
/// ```swift
/// let event: JSONValue = ["type": "CityRegistered", "data": ["city": "leipzig", "rank": 3]]
/// event["data"]?["city"]?.stringValue  // "leipzig"
/// ```
public enum JSONValue: Sendable, Equatable {
    /// The literal `null`.
    case null
    /// The literal `true` or `false`.
    case bool(Bool)
    /// A number admitted by the project's number rule.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object, members in input order.
    case object(JSONObject)

    /// Compares values as their canonical bytes would compare.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.bool(let left), .bool(let right)):
            return left == right
        case (.number(let left), .number(let right)):
            return left == right
        case (.string(let left), .string(let right)):
            return hasSameScalars(left, right)
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0 == $1 }
        case (.object(let left), .object(let right)):
            return left == right
        default:
            return false
        }
    }

    /// The member named `key` when this is an object that has one, else `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The string when this is a string, else `nil`.
    public var stringValue: String? {
        guard case .string(let string) = self else { return nil }
        return string
    }

    /// The number when this is a number, else `nil`.
    public var numberValue: JSONNumber? {
        guard case .number(let number) = self else { return nil }
        return number
    }

    /// The Boolean when this is `true` or `false`, else `nil`.
    public var boolValue: Bool? {
        guard case .bool(let bool) = self else { return nil }
        return bool
    }

    /// The elements when this is an array, else `nil`.
    public var arrayValue: [JSONValue]? {
        guard case .array(let array) = self else { return nil }
        return array
    }

    /// The object when this is an object, else `nil`.
    public var objectValue: JSONObject? {
        guard case .object(let object) = self else { return nil }
        return object
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// Creates `null`.
    public init(nilLiteral: ()) {
        self = .null
    }

    /// Creates `true` or `false`.
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }

    /// Creates an integer number.
    ///
    /// - Precondition: the absolute value is below 2^53.
    public init(integerLiteral value: Int64) {
        self = .number(JSONNumber(integer: value))
    }

    /// Creates a string.
    public init(stringLiteral value: String) {
        self = .string(value)
    }

    /// Creates an array.
    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }

    /// Creates an object with the members in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
    }
}

/// A JSON object: its members in input order, looked up by key.
///
/// Keys should be unique; ``JSONParser`` refuses duplicates. Equality ignores member order, as the canonical form
/// does, and compares keys by their Unicode scalars.
public struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// The members, in input order.
    public var members: [(key: String, value: JSONValue)]

    /// Creates an object with `members` in the given order.
    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    /// Creates an object with the members in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.members = elements.map { (key: $0.0, value: $0.1) }
    }

    /// The number of members.
    public var count: Int { members.count }

    /// The keys, in input order.
    public var keys: [String] { members.map(\.key) }

    /// The value of the first member named `key`, or `nil`.
    ///
    /// Setting a value replaces that member's value in place or appends a new member; setting `nil` removes every
    /// member named `key`.
    public subscript(key: String) -> JSONValue? {
        get {
            members.first { hasSameScalars($0.key, key) }?.value
        }
        set {
            guard let newValue else {
                members.removeAll { hasSameScalars($0.key, key) }
                return
            }
            if let index = members.firstIndex(where: { hasSameScalars($0.key, key) }) {
                members[index].value = newValue
            } else {
                members.append((key: key, value: newValue))
            }
        }
    }

    /// Whether both objects have the same members, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        let inSameOrder = zip(lhs.members, rhs.members).allSatisfy { left, right in
            hasSameScalars(left.key, right.key) && left.value == right.value
        }
        if inSameOrder {
            return true
        }
        let left = lhs.sortedMembers()
        let right = rhs.sortedMembers()
        return zip(left, right).allSatisfy { left, right in
            hasSameScalars(left.key, right.key) && left.value == right.value
        }
    }

    /// The members in canonical order: keys compared as UTF-16 code units, ties kept in input order.
    func sortedMembers() -> [(key: String, value: JSONValue)] {
        let isSorted = zip(members, members.dropFirst()).allSatisfy { left, right in
            !precedesInUTF16(right.key, left.key)
        }
        if isSorted {
            return members
        }
        return members.indices
            .sorted { left, right in
                let leftKey = members[left].key
                let rightKey = members[right].key
                if precedesInUTF16(leftKey, rightKey) { return true }
                if precedesInUTF16(rightKey, leftKey) { return false }
                return left < right
            }
            .map { members[$0] }
    }
}

/// Whether two strings have the same Unicode scalars, unlike `==`, which applies canonical equivalence.
func hasSameScalars(_ left: String, _ right: String) -> Bool {
    let count = left.utf8.count
    guard count == right.utf8.count else { return false }
    let same = left.utf8.withContiguousStorageIfAvailable { left in
        right.utf8.withContiguousStorageIfAvailable { right in
            guard let left = left.baseAddress, let right = right.baseAddress else { return true }
            return memcmp(left, right, count) == 0
        }
    }
    return (same ?? nil) ?? left.utf8.elementsEqual(right.utf8)
}

/// Whether `left` sorts before `right` when both are compared as sequences of UTF-16 code units (RFC 8785 §3.2.3).
///
/// Compared at their first differing UTF-8 byte when that byte is ASCII in both (the order is then the same in
/// UTF-16), else as UTF-16.
func precedesInUTF16(_ left: String, _ right: String) -> Bool {
    let byBytes = left.utf8.withContiguousStorageIfAvailable { left in
        right.utf8.withContiguousStorageIfAvailable { right -> Bool? in
            let common = min(left.count, right.count)
            var index = 0
            while index < common, left[index] == right[index] { index += 1 }
            if index == common { return left.count < right.count }
            guard left[index] < 0x80, right[index] < 0x80 else { return nil }
            return left[index] < right[index]
        }
    }
    return ((byBytes ?? nil) ?? nil) ?? left.utf16.lexicographicallyPrecedes(right.utf16)
}

import Foundation
import Yams

/// A YAML mapping being read key by key; reports unknown keys and wrong types with the
/// key path and line number.
struct YAMLMap {
    let file: String
    let keyPath: String
    let node: Node
    private let pairs: [(String, Node)]

    init(file: String, keyPath: String, node: Node) throws {
        self.file = file
        self.keyPath = keyPath
        self.node = node
        guard case .mapping(let m) = node else {
            throw ProjectError(path: file, key: keyPath, line: node.mark?.line, message: "expected a mapping of keys to values")
        }
        pairs = m.map { ($0.key.string ?? "", $0.value) }
    }

    func fullKey(_ k: String) -> String { keyPath.isEmpty ? k : "\(keyPath).\(k)" }

    func error(_ k: String, _ message: String) -> ProjectError {
        ProjectError(path: file, key: fullKey(k), line: self[k]?.mark?.line ?? node.mark?.line, message: message)
    }

    subscript(_ k: String) -> Node? { pairs.first { $0.0 == k }?.1 }

    /// Throws for the first key not in `known`, suggesting the nearest known key.
    func checkKeys(_ known: [String]) throws {
        for (k, v) in pairs where !known.contains(k) {
            let near = known.min { editDistance($0, k) < editDistance($1, k) }
            let hint = near.flatMap { editDistance($0, k) <= 3 ? " — did you mean '\($0)'?" : nil } ?? ""
            throw ProjectError(path: file, key: fullKey(k), line: v.mark?.line,
                               message: "unknown key\(hint); known keys here: \(known.joined(separator: ", "))")
        }
    }

    func isNull(_ n: Node) -> Bool { if case .scalar(let s) = n { return s.tag.description.hasSuffix("null") || s.string == "null" || s.string == "~" || s.string.isEmpty } else { return false } }

    func string(_ k: String) throws -> String? {
        guard let n = self[k], !isNull(n) else { return nil }
        guard case .scalar(let s) = n else { throw error(k, "expected text") }
        return s.string
    }

    func string(_ k: String, default d: String) throws -> String { try string(k) ?? d }

    func double(_ k: String) throws -> Double? {
        guard let s = try string(k) else { return nil }
        guard let v = Double(s), v.isFinite else { throw error(k, "expected a number, found '\(s)'") }
        return v
    }

    func int(_ k: String) throws -> Int? {
        guard let s = try string(k) else { return nil }
        guard let v = Int(s) else { throw error(k, "expected a whole number, found '\(s)'") }
        return v
    }

    func bool(_ k: String) throws -> Bool? {
        guard let s = try string(k) else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(k, "expected true or false, found '\(s)'")
        }
    }

    func map(_ k: String) throws -> YAMLMap? {
        guard let n = self[k], !isNull(n) else { return nil }
        return try YAMLMap(file: file, keyPath: fullKey(k), node: n)
    }

    func list(_ k: String) throws -> [Node]? {
        guard let n = self[k], !isNull(n) else { return nil }
        guard case .sequence(let s) = n else { throw error(k, "expected a list") }
        return Array(s)
    }

    func stringList(_ k: String) throws -> [String]? {
        try list(k)?.map { n in
            guard case .scalar(let s) = n else { throw error(k, "expected a list of names") }
            return s.string
        }
    }

    /// A mapping of text to text (e.g. a land-use mapping), in file order.
    func stringPairs(_ k: String) throws -> [(String, String)]? {
        guard let n = self[k], !isNull(n) else { return nil }
        guard case .mapping(let m) = n else { throw error(k, "expected a mapping such as {水田: paddy, 旱地: other}") }
        return try m.map { pair in
            guard let a = pair.key.string, let b = pair.value.string else { throw error(k, "expected text keys and values") }
            return (a, b)
        }
    }

    static func load(path: String) throws -> YAMLMap {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ProjectError(path: path, key: "", line: nil, message: "cannot read the project file (missing, or not UTF-8 text)")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let e as YamlError {
            throw ProjectError(path: path, key: "", line: Self.line(of: e), message: "not valid YAML: \(e)")
        }
        guard let node else { throw ProjectError(path: path, key: "", line: nil, message: "the project file is empty") }
        return try YAMLMap(file: path, keyPath: "", node: node)
    }

    private static func line(of e: YamlError) -> Int? {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }
}

import Foundation

/// A small RFC 4180 CSV reader: header and rows of strings (quotes removed, BOM dropped).
public struct CSVText {
    public var header: [String]
    public var rows: [[String]]

    public init(path: String) throws {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var records: [[String]] = []
        var field = "", record: [String] = [], inQuotes = false
        var it = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return it.next() }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let d = next() { if d == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = d } }
                    else { inQuotes = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" { inQuotes = true }
            else if c == "," { record.append(field); field = "" }
            else if c == "\n" || c == "\r" {
                if c == "\r", let d = next(), d != "\n" { pending = d }
                record.append(field); field = ""
                if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
                record = []
            } else { field.unicodeScalars.append(c) }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    public func column(_ name: String) -> Int {
        guard let i = header.firstIndex(of: name) else { fatalError("no column \(name) in \(header)") }
        return i
    }
    public func strings(_ name: String) -> [String] { let i = column(name); return rows.map { $0[i] } }
    public func numbers(_ name: String) -> [Double] { strings(name).map { Double($0) ?? .nan } }
}

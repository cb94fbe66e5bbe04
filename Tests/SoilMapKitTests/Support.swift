import Foundation
import GeoIO
import GeoTypes
import Testing

// MARK: Fixtures and scratch folders

/// The path of a file in the test bundle's `Fixtures` folder (copied by SwiftPM; nothing is
/// read from the repository's SampleData or shared folders at run time).
func fixture(_ relativePath: String) -> String {
    guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
        fatalError("the test bundle has no Fixtures folder")
    }
    return root.appendingPathComponent(relativePath).path
}

/// A fresh folder under the system temporary folder, removed when the value is released.
final class ScratchFolder: @unchecked Sendable {
    let path: String
    init(_ label: String = #function) {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "soilmapkit-\(safe.prefix(40))-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    /// The names in the folder (hidden ones included), sorted.
    var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

// MARK: Approximate comparison

/// Relative difference |a − b| / |b| (absolute when b is 0).
func relativeDifference(_ a: Double, _ b: Double) -> Double {
    b == 0 ? abs(a) : abs(a - b) / abs(b)
}

/// Worst relative difference over paired values, with the index where it occurs.
func worstRelative(_ a: [Double], _ b: [Double]) -> (value: Double, index: Int) {
    precondition(a.count == b.count)
    var worst = (0.0, -1)
    for i in a.indices {
        let d = relativeDifference(a[i], b[i])
        if !(d <= worst.0) { worst = (d, i) }  // NaN counts as worst
    }
    return worst
}

// MARK: Plain-text readers (independent of the code under test)

/// A small RFC 4180 CSV reader: header and rows of strings (quotes removed, BOM dropped).
struct CSVText {
    var header: [String]
    var rows: [[String]]

    init(path: String) throws {
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

    func column(_ name: String) -> Int {
        guard let i = header.firstIndex(of: name) else { fatalError("no column \(name) in \(header)") }
        return i
    }
    func strings(_ name: String) -> [String] { let i = column(name); return rows.map { $0[i] } }
    func numbers(_ name: String) -> [Double] { strings(name).map { Double($0) ?? .nan } }
}

/// An ESRI ASCII grid (as written by gdal_translate -of AAIGrid): north row first.
struct AsciiGrid {
    var columns: Int, rows: Int, xll: Double, yll: Double, cellSize: Double, nodata: Double
    var values: [Double]
    init(path: String) throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        var header: [String: Double] = [:]
        var data: [Double] = []
        for l in lines {
            let parts = l.split(separator: " ", omittingEmptySubsequences: true)
            if let first = parts.first, Double(first) == nil {
                header[first.lowercased()] = Double(parts[1])!
            } else {
                data += parts.map { Double($0)! }
            }
        }
        columns = Int(header["ncols"]!); rows = Int(header["nrows"]!)
        xll = header["xllcorner"]!; yll = header["yllcorner"]!; cellSize = header["cellsize"]!
        nodata = header["nodata_value"]!
        values = data
    }
}

/// Reads band 1 of a raster through GeoIO: grid, values (row-major, north first), nodata.
func readRaster(_ path: String) throws -> (dataset: RasterDataset, grid: GridSpec, values: [Double], nodata: Double?) {
    let ds = try RasterDataset(path: path)
    let g = try ds.grid()
    let b = try ds.band(1)
    let v = try b.read(column: 0, row: 0, columns: g.columns, rows: g.rows)
    return (ds, g, v, b.nodata)
}

/// Writes a CSV file from a header and rows (values written as given).
func writeCSV(_ path: String, header: [String], rows: [[String]]) throws {
    let text = ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// `"\(error)"` of the error thrown by `body`, or nil when nothing was thrown.
func errorText(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}

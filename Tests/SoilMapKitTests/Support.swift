import Foundation
import GeoIO
import GeoTypes
import Testing
@_exported import TestSupport

// MARK: Fixtures and scratch folders

/// The path of a file in the test bundle's `Fixtures` folder (copied by SwiftPM; nothing is
/// read from the repository's SampleData or shared folders at run time).
/// Fixtures shared with other test targets (meuse, gdal_grid, nc) come from TestSupport.
func fixture(_ relativePath: String) -> String {
    guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
        fatalError("the test bundle has no Fixtures folder")
    }
    let local = root.appendingPathComponent(relativePath).path
    return FileManager.default.fileExists(atPath: local) ? local : SharedFixtures.path(relativePath)
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

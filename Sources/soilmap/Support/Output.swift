import ArgumentParser
import Foundation
import GeoIO
import Geostat
import SoilMapKit

/// Writes a result table as XLSX when `path` ends in .xlsx, else as CSV (UTF-8 with BOM).
func writeTable(_ t: ResultTable, to path: String, sheet: String, files: OutputFiles) throws {
    let tmp = try files.temporaryPath(for: path)
    if path.lowercased().hasSuffix(".xlsx") { try t.writeXLSX(to: tmp, sheet: sheet) } else { try t.writeCSV(to: tmp) }
}

/// Shared output of the commands that print one line per warning.
func printWarnings(_ warnings: [String]) {
    for w in warnings { FileHandle.standardError.write(Data("soilmap: note: \(w)\n".utf8)) }
}

func threadCount(_ n: Int?) -> Int { max(n ?? ProcessInfo.processInfo.activeProcessorCount, 1) }

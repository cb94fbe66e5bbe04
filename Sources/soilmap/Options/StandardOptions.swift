import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit
import Standards

struct StandardOptions: ParsableArguments {
    @Option(help: "gb15618 (farmland), gb36600-1, gb36600-2 (construction land classes 1/2), or a threshold CSV with gb15618's columns.")
    var standard: String = "gb15618"

    @Option(name: .customLong("surface"), help: "A pollutant surface NAME=RASTER (repeat for each pollutant counted).")
    var surfaces: [String] = []

    @Option(help: "pH raster on the same grid.")
    var ph: String?

    @Option(name: .customLong("ph-value"), help: "A constant pH for all cells.")
    var phValue: Double?

    func validate() throws {
        guard !surfaces.isEmpty else { throw ValidationError("give at least one --surface NAME=RASTER") }
        _ = try namedPaths(surfaces, option: "--surface")
        guard ph == nil || phValue == nil else { throw ValidationError("give --ph or --ph-value, not both") }
        if let v = phValue, !(0...14).contains(v) { throw ValidationError("--ph-value \(v) is outside 0–14") }
    }
}

/// Parses repeated `name=path` options.
func namedPaths(_ items: [String], option: String) throws -> [(name: String, path: String)] {
    try items.map { s in
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex, s.index(after: eq) != s.endIndex else {
            throw ValidationError("\(option) takes NAME=PATH, e.g. \(option) cd=CD.tif (got '\(s)')")
        }
        return (String(s[..<eq]), String(s[s.index(after: eq)...]))
    }
}

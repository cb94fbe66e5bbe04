import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit
import Standards

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify cells by a standard: class raster (1 优先保护类, 2 安全利用类, 3 严格管控类, 0 nodata) and controlling pollutant.")

    @OptionGroup var standardOptions: StandardOptions

    @Option(name: .customLong("land-use"), help: "Land use for the thresholds: paddy, other, orchard, rotation.")
    var landUse: LandUse = .other

    @Option(name: .shortAndLong, help: "Class raster (UInt8 COG with colours and category names).")
    var output: String

    @Option(help: "Controlling-pollutant raster.")
    var controlling: String?

    @Option(help: "Polygons of the study area (townships, parcels): cells they do not touch become nodata.")
    var mask: String?

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    func run() throws {
        try runReportingErrors {
            let r = try runClassify(surfaces: try namedPaths(standardOptions.surfaces, option: "--surface"),
                                    phPath: standardOptions.ph, phValue: standardOptions.phValue,
                                    standard: StandardChoice(standardOptions.standard), landUse: landUse,
                                    output: output, controllingOutput: controlling, overwrite: overwrite, maskPath: mask)
            printWarnings(r.warnings)
            let total = max(r.cellCounts.reduce(0, +), 1)
            for k in 1...3 {
                print(String(format: "%@: %d cells (%.2f %%)", SoilClass(rawValue: UInt8(k))!.label(), r.cellCounts[k],
                             100 * Double(r.cellCounts[k]) / Double(total)))
            }
            print("nodata: \(r.cellCounts[0]) cells → \(output)")
        }
    }
}

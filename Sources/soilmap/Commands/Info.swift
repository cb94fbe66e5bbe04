import ArgumentParser
import Foundation
import SoilMapKit

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a vector or raster file: layers, CRS, extent, fields; or size, bands, nodata, overviews, COG layout.")

    @Argument(help: "The file to describe (Shapefile, GeoPackage, GeoJSON, CSV, GeoTIFF …).")
    var path: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Also print the attribute values of the first N features of each layer.")
    var features: Int = 0

    @Option(help: "Attribute encoding of a shapefile without .cpg (GBK, GB18030, UTF-8 …).")
    var encoding: String?

    func validate() throws {
        guard features >= 0 else { throw ValidationError("--features must be 0 or more") }
    }

    func run() throws {
        try runReportingErrors {
            let info = try describeDataset(path: path, features: features, encoding: encoding)
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try enc.encode(info), as: UTF8.self))
            } else {
                print(info.text, terminator: "")
            }
        }
    }
}

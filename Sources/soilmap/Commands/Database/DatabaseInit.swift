import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit

struct DatabaseInit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create an empty survey database.")

    @Argument(help: "The database file to create (.gpkg).")
    var database: String

    @Option(help: "CRS of the stored sample points (default EPSG:4490, CGCS2000 longitude/latitude).")
    var crs: String = "EPSG:4490"

    func run() throws {
        try runReportingErrors {
            _ = try SurveyDatabase.create(path: database, crs: try CRS(crs))
            print("Created \(database) (samples in \(crs))")
        }
    }
}

import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit

struct Database: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "The survey database shared between departments: a GeoPackage of survey rounds, samples, lab values and their provenance.",
        subcommands: [DatabaseInit.self, DatabaseImport.self, DatabaseExport.self, DatabaseInfo.self])
}

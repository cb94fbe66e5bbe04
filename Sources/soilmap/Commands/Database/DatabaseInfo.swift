import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit

struct DatabaseInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "The rounds of a survey database and their counts.")

    @Argument(help: "The survey database.")
    var database: String

    func run() throws {
        try runReportingErrors {
            let db = try SurveyDatabase(path: database)
            print("\(database): samples in \(db.crs.shortName)")
            for r in try db.rounds() { print("  round \(r.round): \(r.samples) samples, \(r.values) values") }
        }
    }
}

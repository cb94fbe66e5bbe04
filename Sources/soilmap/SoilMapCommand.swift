import ArgumentParser
import Foundation
import SoilMapKit

struct SoilMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soilmap",
        abstract: "Soil-pollution mapping: interpolation, GB 15618 classification and exact areas per parcel and township.",
        version: SoilMapVersion.string,
        subcommands: [Info.self, Interpolate.self, Variogram.self, CV.self, Classify.self, Parcels.self, Areas.self, Screen.self, Monitor.self, Database.self, Run.self, Plan.self, Tile.self, Merge.self, Init.self]
    )
}

/// Runs a command body, turning any error into one clear line on stderr and exit code 1.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        FileHandle.standardError.write(Data("soilmap: error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

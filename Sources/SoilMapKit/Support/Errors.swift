import Foundation

// SoilMap's three kinds of error, so a caller can tell them apart:
// - bad input: GeoIO's `InputError` (a file, row, feature or option is wrong) and
//   `ProjectError` below (a key of the project file is wrong);
// - library failure: GeoIO's `LibraryError` (GDAL or PROJ failed on good input);
// - pipeline state: `PipelineError` below (a plan, tile or output folder is not in the state
//   the command needs).

/// A project-file error: what is wrong, the key path and the line.
public struct ProjectError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var key: String
    public var line: Int?
    public var message: String

    public var description: String {
        "\(path)\(line.map { ", line \($0)" } ?? "")\(key.isEmpty ? "" : ": '\(key)'"): \(message)"
    }
}

/// A command met a plan, tile or output folder in a state it cannot work from: the data are
/// fine, but the pipeline's files are stale, incomplete or busy. The message says which command
/// brings them to the needed state.
public struct PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The plan was made by another SoilMap version or build, or edited since.
        case foreignPlan
        /// The plan's inputs changed (or its grid, or its parcels) since it was made.
        case stalePlan
        /// Tiles of the plan are missing or incomplete.
        case incompleteTiles
        /// Tiles were computed for another plan, or a parcel is in two tiles.
        case foreignTiles
        /// The tile is already complete (without `--overwrite`).
        case tileComplete
        /// Another process holds the folder's lock.
        case busy
    }

    public var kind: Kind
    /// The file or folder in that state.
    public var path: String
    public var location: String?
    public var message: String

    public init(_ kind: Kind, path: String, location: String? = nil, _ message: String) {
        self.kind = kind
        self.path = path
        self.location = location
        self.message = message
    }

    public var description: String { path + (location.map { ", \($0)" } ?? "") + ": " + message }
}

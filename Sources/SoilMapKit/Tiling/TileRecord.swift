import Foundation
import GeoIO
import GeoTypes
import Standards

/// What a finished tile leaves for the merge (`tiles/NNNN/tile.json`, written last).
public struct TileRecord: Codable, Sendable {
    public static let fileName = "tile.json"
    public var planID: String
    public var index: Int
    public var window: GridWindow
    public var parcels: Int
    /// Raster files (in the tile's folder) by output name (`Cd.tif`, `class.tif` …).
    public var rasters: [String]
    /// Peak resident memory of the task (bytes, `getrusage` `ru_maxrss`).
    public var peakMemory: Int
    public var seconds: Double
    public var timings: [String: Double]
    public var host: String
}

/// One parcel's results as a tile stores them: every Double as its IEEE bit pattern, so the merge
/// reads back exactly what was computed.
struct StoredParcel: Codable {
    var fid: Int64
    var id: String
    var zone: String
    var landUse: String
    var area: UInt64
    var means: [UInt64]
    var maxima: [UInt64]
    var exceedance: [UInt64]
    var shares: [UInt64]
    var dataFraction: UInt64
    var soilClass: UInt8
    var controlling: Int?

    init(_ p: ParcelResult) {
        fid = p.fid; id = p.id; zone = p.zone; landUse = p.landUse.rawValue
        area = p.area.bitPattern; means = p.means.map(\.bitPattern); maxima = p.maxima.map(\.bitPattern)
        exceedance = p.exceedance.map(\.bitPattern); shares = p.shares.map(\.bitPattern)
        dataFraction = p.dataFraction.bitPattern; soilClass = p.soilClass.rawValue; controlling = p.controlling
    }

    func result(file: String) throws -> ParcelResult {
        guard let lu = LandUse(rawValue: landUse), let c = SoilClass(rawValue: soilClass) else {
            throw PipelineError(.incompleteTiles, path: file, location: "parcel feature \(fid)", "unknown land use '\(landUse)' or class \(soilClass); run the tile again")
        }
        func d(_ a: [UInt64]) -> [Double] { a.map(Double.init(bitPattern:)) }
        return ParcelResult(fid: fid, id: id, zone: zone, landUse: lu, area: Double(bitPattern: area), means: d(means),
                            maxima: d(maxima), exceedance: d(exceedance), shares: d(shares),
                            dataFraction: Double(bitPattern: dataFraction), soilClass: c, controlling: controlling)
    }
}

/// Options of `soilmap tile`.
public struct TileOptions: Sendable {
    /// The tile; nil takes `SLURM_ARRAY_TASK_ID`, then `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs).
    public var index: Int?
    public var overwrite: Bool
    public var threads: Int?
    public init(index: Int? = nil, overwrite: Bool = false, threads: Int? = nil) {
        self.index = index
        self.overwrite = overwrite
        self.threads = threads
    }

    /// The index from the options or the array-task environment.
    func resolvedIndex(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        if let index { return index }
        for key in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"] {
            if let v = env[key] {
                guard let i = Int(v.trimmingCharacters(in: .whitespaces)) else {
                    throw InputError(.invalidArgument, path: nil, "\(key)='\(v)' is not a tile index; give --index I")
                }
                return i
            }
        }
        throw InputError(.invalidArgument, path: nil,
                         "no tile index: give --index I, or run as a Slurm array task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)")
    }
}

import Foundation
import GeoIO
import Geostat
import Standards

/// Options of `soilmap run` that are not in the project file.
public struct RunOptions: Sendable {
    /// Output folder; default: the project's `outputs.dir` (relative to the project file).
    public var outputDir: String?
    public var overwrite: Bool = false
    public var threads: Int?
    public init(outputDir: String? = nil, overwrite: Bool = false, threads: Int? = nil) {
        self.outputDir = outputDir
        self.overwrite = overwrite
        self.threads = threads
    }
}

/// How one variable was mapped: the chosen method, its variogram and every candidate's CV.
public struct VariableRun: Sendable, Codable {
    public struct Candidate: Sendable, Codable {
        public var label: String
        public var settings: InterpolationSettings
        public var variogram: FittedVariogram?
        public var cv: CrossValidation.Statistics
    }
    public var name: String
    public var field: String
    public var sampleCount: Int
    public var chosen: Candidate
    public var candidates: [Candidate]
    public var classify: Bool
    public var files: [String: String]
}

/// The outcome of a run: what was written and measured.
public struct RunResult: Sendable {
    public var outputDir: String
    public var files: [String]
    public var variables: [VariableRun]
    public var analysis: ParcelAnalysis
    public var grid: GridSpec
    public var crs: CRS
    public var timings: [(String, Double)]
    public var warnings: [String]
    public var classCellCounts: [Int]
    /// The official classification (units, points, crops), when the run made one.
    var official: OfficialClassification? = nil

    /// The official classification in one line: units and their final-class areas (亩, 耕地 and 园地).
    public var officialSummary: String? {
        guard let u = official?.units.units else { return nil }
        var t = ClassAreaTotals()
        for unit in u { t.add(unit) }
        return String(format: "%d evaluation units, official areas %.2f 亩: 优先保护类 %.2f, 安全利用类 %.2f, 严格管控类 %.2f, no class %.2f; %d to review",
                      t.units, t.totalMu, t.mu[0], t.mu[1], t.mu[2], t.mu[3], t.review)
    }
}

import ArgumentParser
import Foundation
import GeoIO
import SoilMapKit

struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Interpolate a variable from sample points onto a grid (COG rasters) or at point locations (CSV).",
        discussion: """
        Grid: --te XMIN YMIN XMAX YMAX in the working CRS with --tr XRES YRES or --outsize COLS ROWS; values are \
        estimated at cell centres. Kriging fits its variogram unless --nugget/--psill/--range are given.
        Locations: --at POINTS writes -o OUT.csv with the locations' columns, then prediction (and variance).
        """)

    @OptionGroup var input: SampleOptions
    @OptionGroup var methodOptions: MethodOptions

    @Option(name: [.customLong("te"), .customLong("te", withSingleDash: true)], parsing: .upToNextOption,
            help: "Grid extent XMIN YMIN XMAX YMAX (working CRS).")
    var te: [Double] = []

    @Option(name: [.customLong("tr"), .customLong("tr", withSingleDash: true)], parsing: .upToNextOption,
            help: "Cell size XRES YRES.")
    var tr: [Double] = []

    @Option(name: [.customLong("outsize"), .customLong("outsize", withSingleDash: true)], parsing: .upToNextOption,
            help: "Grid size COLS ROWS.")
    var outsize: [Int] = []

    @Option(help: "Point locations to predict at (any point layer or CSV), instead of a grid.")
    var at: String?

    @Option(help: "Polygons: cells they do not touch become nodata.")
    var mask: String?

    @Option(name: [.customLong("a-srs"), .customLong("a_srs", withSingleDash: true)],
            help: "CRS to assign to outputs of samples that have none.")
    var aSrs: String?

    @Option(help: "For lok: threshold (mg/kg) whose exceedance probability goes to --exceedance.")
    var threshold: Double?

    @Option(help: "Exceedance-probability raster (lok with --threshold).")
    var exceedance: String?

    @Option(help: "Kriging-variance raster.")
    var variance: String?

    @OptionGroup var threadsOption: ThreadsOption
    var threads: Int? { threadsOption.threads }

    @Option(name: .shortAndLong, help: "Output raster (.tif, COG) or, with --at, CSV.")
    var output: String

    @Option(name: [.customLong("of"), .customLong("of", withSingleDash: true)],
            help: "Raster layout: COG (Cloud-Optimized GeoTIFF with overviews) or GTiff (tiled, no overviews, as gdal_grid writes).")
    var format: SurfaceLayout = .cog

    @Option(help: "Raster compression: DEFLATE, ZSTD, LZW or NONE.")
    var compress: Compression = .deflate

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    @Flag(help: "Print the wall-clock time of each stage (read, model, interpolate, write) on stderr.")
    var timings = false

    func validate() throws {
        if at == nil {
            guard te.count == 4 else { throw ValidationError("give the grid extent: --te XMIN YMIN XMAX YMAX (or --at LOCATIONS)") }
            guard (tr.count == 2) != (outsize.count == 2) else { throw ValidationError("give exactly one of --tr XRES YRES or --outsize COLS ROWS") }
            if tr.count == 2 { guard tr[0] > 0, tr[1] > 0 else { throw ValidationError("--tr must be positive") } }
            if outsize.count == 2 { guard outsize[0] > 0, outsize[1] > 0 else { throw ValidationError("--outsize must be positive") } }
            guard te[2] > te[0], te[3] > te[1] else { throw ValidationError("--te needs XMIN < XMAX and YMIN < YMAX") }
        }
        if methodOptions.method == .idw && variance != nil { throw ValidationError("--variance needs kriging (--method ok or lok)") }
        if exceedance != nil && (methodOptions.method != .lok || threshold == nil) {
            throw ValidationError("--exceedance needs --method lok and --threshold")
        }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try runReportingErrors {
            let target: InterpolationTarget
            if let at {
                target = .locations(path: at, output: output)
            } else {
                target = .grid(extent: Extent(minX: te[0], minY: te[1], maxX: te[2], maxY: te[3]),
                               resolution: tr.count == 2 ? (tr[0], tr[1]) : nil,
                               size: outsize.count == 2 ? (outsize[0], outsize[1]) : nil,
                               outputs: GridOutputs(prediction: output, variance: variance, exceedance: exceedance,
                                                    layout: format, compression: compress), mask: mask)
            }
            let r = try runInterpolate(source: input.source, settings: try methodOptions.settings(), target: target,
                                       threshold: threshold, assignCRS: aSrs, threads: threadCount(threads), overwrite: overwrite)
            printWarnings(r.warnings)
            if timings {
                let text = r.timings.map { "\($0.stage) \(String(format: "%.3f", $0.seconds)) s" }.joined(separator: ", ")
                FileHandle.standardError.write(Data("timings: \(text)\n".utf8))
            }
            var line = "\(input.field): \(r.sampleCount) samples, \(methodOptions.method.rawValue)"
            if let m = r.model { line += ", variogram \(m)\(methodOptions.method == .lok ? " (log)" : "")" }
            if let g = r.grid { line += ", grid \(g.columns)×\(g.rows)" }
            line += ", CRS \(r.crs?.shortName ?? "none") → \(output)"
            print(line)
        }
    }
}

import Foundation
import GeoIO
import GeoTypes
import Standards

/// A standard chosen by name or a user threshold CSV.
public enum StandardChoice: Sendable, Equatable {
    case gb15618, gb36600Class1, gb36600Class2
    case csv(path: String)

    /// Parses `gb15618`, `gb36600-1`, `gb36600-2` or the path of a threshold CSV.
    public init(_ s: String) {
        switch s.lowercased() {
        case "gb15618", "gb15618-2018": self = .gb15618
        case "gb36600-1", "gb36600-class1", "gb36600_1": self = .gb36600Class1
        case "gb36600-2", "gb36600-class2", "gb36600_2": self = .gb36600Class2
        default: self = .csv(path: s)
        }
    }

    public var name: String {
        switch self {
        case .gb15618: return "GB 15618-2018"
        case .gb36600Class1: return "GB 36600-2018 class 1 land"
        case .gb36600Class2: return "GB 36600-2018 class 2 land"
        case .csv(let p): return p
        }
    }

    /// Loads the threshold table.
    public func table() throws -> ThresholdTable {
        switch self {
        case .gb15618: return .gb15618()
        case .gb36600Class1: return .gb36600(class: .class1)
        case .gb36600Class2: return .gb36600(class: .class2)
        case .csv(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputError(.fileNotFound, path: path, "is not a standard name (gb15618, gb36600-1, gb36600-2) nor an existing threshold CSV")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw InputError(.encoding, path: path, "the threshold CSV must be UTF-8 text")
            }
            return try ThresholdTable(csv: text, source: path)
        }
    }

}

/// Raster specification of a class raster: UInt8 COG, nodata 0, colours and names per class.
public func classRasterSpec(grid: GridSpec, crs: CRS?, standard: StandardKind, metadata: [String: String],
                            layout: SurfaceLayout = .cog) -> RasterSpec {
    var colours: [Int: RGBA] = [:], names: [Int: String] = [:]
    for e in SoilClass.legend(standard) {
        colours[Int(e.code)] = RGBA(e.colour.red, e.colour.green, e.colour.blue, e.colour.alpha)
        names[Int(e.code)] = e.label
    }
    return RasterSpec(grid: grid, pixelType: .uint8, crs: crs, nodata: 0, compression: .deflate, tileSize: 512,
                      cloudOptimized: layout == .cog, overviewResampling: layout == .cog ? .mode : nil, metadata: metadata,
                      bandDescription: "soil class", colorTable: colours, categoryNames: names)
}

/// Raster specification of a controlling-pollutant raster: 0 none, i + 1 for pollutant i.
public func controllingRasterSpec(grid: GridSpec, crs: CRS?, pollutants: [String], metadata: [String: String],
                                  layout: SurfaceLayout = .cog) -> RasterSpec {
    let palette: [RGBA] = [RGBA(228, 26, 28), RGBA(55, 126, 184), RGBA(77, 175, 74), RGBA(152, 78, 163), RGBA(255, 127, 0),
                           RGBA(166, 86, 40), RGBA(247, 129, 191), RGBA(153, 153, 153), RGBA(255, 255, 51)]
    var colours: [Int: RGBA] = [0: RGBA(0, 0, 0, 0)], names: [Int: String] = [0: "none"]
    for (i, p) in pollutants.enumerated() {
        colours[i + 1] = palette[i % palette.count]
        names[i + 1] = p
    }
    return RasterSpec(grid: grid, pixelType: .uint8, crs: crs, nodata: 0, compression: .deflate, tileSize: 512,
                      cloudOptimized: layout == .cog, overviewResampling: layout == .cog ? .mode : nil, metadata: metadata,
                      bandDescription: "controlling pollutant", colorTable: colours, categoryNames: names)
}

/// A set of single-band rasters on one grid, read together by row blocks.
///
/// - Throws on open: ``InputError`` when the rasters are not on the same grid and CRS
///   (SoilMap does not resample silently: warp them with `gdalwarp -te … -tr …` first).
public final class AlignedRasters {
    public let names: [String]
    public let paths: [String]
    public let grid: GridSpec
    public let crs: CRS?
    private let bands: [RasterBand]
    private let nodata: [Double?]
    /// The cells the files hold, in ``grid`` indices: the whole grid, or a tile's window.
    public let available: GridWindow

    /// Rasters holding the cells `window` of `parent` (a tile of a tiled run): ``grid`` is the
    /// parent grid and reads take parent row and column indices, so code that computes cell
    /// coverage on the parent grid reads the same cells as a whole-grid run.
    ///
    /// - Throws: ``InputError`` when a file is not the window's size.
    public convenience init(_ named: [(name: String, path: String)], windowOf parent: GridSpec, at window: GridWindow) throws {
        try self.init(named)
        guard grid.columns == window.columns, grid.rows == window.rows else {
            throw InputError(.badValue, path: paths[0], "holds \(grid.columns) × \(grid.rows) cells but its tile window is \(window); the tile's files do not belong to this plan — run the tile again")
        }
        self.init(copying: self, grid: parent, available: window)
    }

    private init(copying o: AlignedRasters, grid: GridSpec, available: GridWindow) {
        names = o.names; paths = o.paths; crs = o.crs; bands = o.bands; nodata = o.nodata
        self.grid = grid
        self.available = available
    }

    public init(_ named: [(name: String, path: String)]) throws {
        precondition(!named.isEmpty)
        var bands: [RasterBand] = []
        var grid: GridSpec? = nil
        var crs: CRS? = nil
        for (_, path) in named {
            let ds = try RasterDataset(path: path)
            let g = try ds.grid()
            if let first = grid {
                guard g.isAligned(with: first) else {
                    throw InputError(.badValue, path: path,
                                     "is on a different grid (\(g)) than \(named[0].path) (\(first)); all surfaces must share one grid — resample with gdalwarp -te \(first.minX) \(first.minY) \(first.maxX) \(first.maxY) -tr \(first.cellWidth) \(first.cellHeight)")
                }
                let same = (crs == nil && ds.crs == nil) || (crs != nil && ds.crs != nil && crs!.isEquivalent(to: ds.crs!))
                guard same else {
                    throw InputError(.badValue, path: path,
                                     "is in CRS \(ds.crs?.shortName ?? "none") but \(named[0].path) is in \(crs?.shortName ?? "none"); reproject it with gdalwarp -t_srs")
                }
            } else {
                grid = g
                crs = ds.crs
            }
            bands.append(try ds.band(1))
        }
        self.names = named.map(\.name)
        self.paths = named.map(\.path)
        self.grid = grid!
        self.crs = crs
        self.bands = bands
        self.nodata = bands.map(\.nodata)
        self.available = GridWindow(grid: grid!)
    }

    /// Reads rows `[firstRow, firstRow + rows)` of every raster; nodata and non-finite → NaN.
    public func readRows(_ firstRow: Int, _ rows: Int) throws -> [[Double]] {
        try readWindow(column: 0, row: firstRow, columns: grid.columns, rows: rows)
    }

    /// Reads a window of every raster; nodata and non-finite → NaN.
    public func readWindow(column: Int, row: Int, columns: Int, rows: Int) throws -> [[Double]] {
        guard available.intersection(GridWindow(firstRow: row, firstColumn: column, rows: rows, columns: columns)).cellCount == rows * columns else {
            throw InputError(.badValue, path: paths[0], "cells rows \(row)..<\(row + rows), columns \(column)..<\(column + columns) are outside the cells it holds (\(available)); the plan's tile window does not cover them — make the plan again")
        }
        return try bands.indices.map { i in
            var v = try bands[i].read(column: column - available.firstColumn, row: row - available.firstRow, columns: columns, rows: rows)
            let nd = nodata[i]
            for k in v.indices where !v[k].isFinite || v[k] == nd { v[k] = .nan }
            return v
        }
    }
}

/// The metadata of the class and controlling rasters.
func classMetadata(standard: StandardChoice, landUse: LandUse, pollutants: [Pollutant]) -> [String: String] {
    ["SOILMAP_VERSION": SoilMapVersion.string, "SOILMAP_STANDARD": standard.name, "SOILMAP_LAND_USE": landUse.rawValue,
     "SOILMAP_POLLUTANTS": pollutants.map(\.name).joined(separator: ",")]
}

/// Converts a Standards error inside a block to an input error naming the raster cell.
func cellError(_ e: StandardsError, grid: GridSpec, firstRow: Int, columns: Int, phPath: String?) -> Error {
    if case let .pHOutOfRange(v, index?) = e {
        let r = firstRow + index / columns, c = index % columns
        return InputError(.badValue, path: phPath, location: "row \(r), column \(c)",
                          "pH \(v) is outside 0–14; check the pH surface (units, nodata value)")
    }
    return e
}

/// `soilmap classify`: per-cell class and controlling pollutant from pollutant surfaces and pH.
public struct ClassifyReport: Sendable {
    public var grid: GridSpec
    /// Cells per class code 0…3.
    public var cellCounts: [Int]
    public var warnings: [String]
}

///
/// - Parameters:
///   - mask: cells to classify (row-major, the surfaces' grid), e.g. the study area from
///     ``coverageMask(of:on:)``; the others get class 0 (nodata) and no controlling pollutant. Nil
///     classifies every cell with data.
///   - maskPath: polygons (any vector layer) whose cells are classified, as `mask` (not both).
public func runClassify(surfaces: [(name: String, path: String)], phPath: String?, phValue: Double?,
                        standard: StandardChoice, landUse: LandUse, output: String, controllingOutput: String?,
                        overwrite: Bool = true, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                        mask: [Bool]? = nil, maskPath: String? = nil, layout: SurfaceLayout = .cog) throws -> ClassifyReport {
    let table = try standard.table()
    let classifier = try Classifier(table: table, landUse: landUse, pollutants: surfaces.map { Pollutant($0.name) })
    var all = surfaces
    if let phPath { all.append((name: "pH", path: phPath)) }
    let rasters = try AlignedRasters(all)
    if classifier.requiresPH && phPath == nil && phValue == nil {
        throw InputError(.invalidArgument, path: nil, "\(standard.name) thresholds depend on pH: give --ph PH.tif or --ph-value 6.8")
    }
    let grid = rasters.grid
    precondition(mask == nil || maskPath == nil, "runClassify: give mask or maskPath, not both")
    if let mask, mask.count != grid.cellCount {
        preconditionFailure("runClassify: mask of \(mask.count) cells for a grid of \(grid.cellCount)")
    }
    var warnings: [String] = []
    let mask = try maskPath.map { try polygonMask(path: $0, grid: grid, crs: rasters.crs, warnings: &warnings) } ?? mask
    let files = OutputFiles(overwrite: overwrite)
    let md = classMetadata(standard: standard, landUse: landUse, pollutants: classifier.pollutants)
    let cw = try RasterWriter(path: try files.temporaryPath(for: output),
                              spec: classRasterSpec(grid: grid, crs: rasters.crs, standard: table.kind, metadata: md, layout: layout))
    let ctw = try controllingOutput.map {
        try RasterWriter(path: try files.temporaryPath(for: $0),
                         spec: controllingRasterSpec(grid: grid, crs: rasters.crs, pollutants: classifier.pollutants.map(\.name),
                                                     metadata: md, layout: layout))
    }
    var counts = [Int](repeating: 0, count: 4)
    let blockRows = 256
    var row = 0
    while row < grid.rows {
        let n = min(blockRows, grid.rows - row)
        var data = try rasters.readRows(row, n)
        let pH: PHInput<Double>
        if phPath != nil { pH = .perCell(data.removeLast()) } else if let phValue { pH = .constant(phValue) } else { pH = .notGiven }
        var block: ClassifiedBlock
        do { block = try classifyInParallel(classifier, data, pH: pH, rowLength: grid.columns, threads: threads) } catch {
            throw cellError(error, grid: grid, firstRow: row, columns: grid.columns, phPath: phPath)
        }
        if let mask {
            let first = row * grid.columns
            for k in block.classes.indices where !mask[first + k] { block.classes[k] = 0; block.controlling[k] = 0 }
        }
        for k in block.classes { counts[Int(k)] += 1 }
        try cw.write(rows: block.classes)
        try ctw?.write(rows: block.controlling)
        row += n
    }
    try RasterWriter.closeAll([cw] + [ctw].compactMap { $0 })
    try files.commit()
    return ClassifyReport(grid: grid, cellCounts: counts, warnings: warnings)
}

/// Classifies a block split into row-aligned chunks on `threads` workers (split → compute →
/// merge in order). Each cell's class is a pure function of its values, so the result is
/// identical for any thread count; of several failing chunks, the first one's error is thrown.
func classifyInParallel(_ classifier: Classifier, _ data: [[Double]], pH: PHInput<Double>, rowLength: Int,
                        threads: Int) throws(StandardsError) -> ClassifiedBlock {
    let count = data.first?.count ?? 0
    let rows = count / max(rowLength, 1)
    let chunks = max(1, min(threads * 2, rows))
    if chunks == 1 { return try classifier.classify(block: data, pH: pH) }
    let bounds = (0...chunks).map { ($0 * rows / chunks) * rowLength }
    let results = ResultBox<Result<ClassifiedBlock, StandardsError>>(count: chunks)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let r = bounds[c]..<bounds[c + 1]
        let part = data.map { Array($0[r]) }
        let partPH: PHInput<Double>
        switch pH {
        case .perCell(let a): partPH = .perCell(Array(a[r]))
        case .constant(let v): partPH = .constant(v)
        case .notGiven: partPH = .notGiven
        }
        results.set(c, Result { () throws(StandardsError) -> ClassifiedBlock in try classifier.classify(block: part, pH: partPH) })
    }
    var merged = ClassifiedBlock(classes: [], controlling: [], perPollutant: nil)
    merged.classes.reserveCapacity(count)
    merged.controlling.reserveCapacity(count)
    for c in 0..<chunks {
        switch results.get(c) {
        case .success(let b):
            merged.classes += b.classes
            merged.controlling += b.controlling
        case .failure(let e):
            // Re-index the cell to the whole block for the caller's message.
            if case let .pHOutOfRange(v, i?) = e { throw StandardsError.pHOutOfRange(v, index: bounds[c] + i) }
            throw e
        }
    }
    return merged
}

/// Slots filled concurrently by index, read after the concurrent section.
final class ResultBox<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { lock.lock(); slots[i] = v; lock.unlock() }
    func get(_ i: Int) -> T { lock.lock(); defer { lock.unlock() }; return slots[i]! }
}

import Foundation
import GeoIO
import GeoTypes
import Standards

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
    try runClassify(surfaces: surfaces, phPath: phPath, phValue: phValue, standard: standard, landUse: landUse, cellLandUses: nil,
                    output: output, controllingOutput: controllingOutput, overwrite: overwrite, threads: threads, mask: mask,
                    maskPath: maskPath, layout: layout)
}

/// `runClassify` with each cell's own land use (`cellLandUses`, the parcels' land uses over the
/// surfaces' grid; nil: `landUse` everywhere).
func runClassify(surfaces: [(name: String, path: String)], phPath: String?, phValue: Double?,
                 standard: StandardChoice, landUse: LandUse, cellLandUses: CellLandUses?, output: String, controllingOutput: String?,
                 overwrite: Bool, threads: Int, mask: [Bool]?, maskPath: String?, layout: SurfaceLayout) throws -> ClassifyReport {
    let table = try standard.table()
    var all = surfaces
    if let phPath { all.append((name: Analyte.pHName, path: phPath)) }
    let rasters = try AlignedRasters(all)
    // Thresholds meet the values at the surfaces' stored precision (Float32 surfaces: Float32).
    let precisions = Array(rasters.precisions.prefix(surfaces.count))
    let classifier = try Classifier(table: table, landUse: landUse, pollutants: surfaces.map { Pollutant($0.name) }, precisions: precisions)
    let perCell = try cellLandUses.map { c in
        LandUseClassifiers([classifier] + (try c.uses.map { try Classifier(table: table, landUse: $0, pollutants: classifier.pollutants, precisions: precisions) }))
    }
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
    let (cw, ctw) = try classRasterWriters(class: try files.temporaryPath(for: output),
                                           controlling: try controllingOutput.map(files.temporaryPath), grid: grid, crs: rasters.crs,
                                           table: table, pollutants: classifier.pollutants, standard: standard, landUse: landUse,
                                           parcelLandUses: cellLandUses != nil, layout: layout)
    var counts = [Int](repeating: 0, count: 4)
    let blockRows = 256
    var row = 0
    while row < grid.rows {
        let n = min(blockRows, grid.rows - row)
        var data = try rasters.readRows(row, n)
        let pH: PHInput<Double>
        if phPath != nil { pH = .perCell(data.removeLast()) } else if let phValue { pH = .constant(phValue) } else { pH = .notGiven }
        var block: ClassifiedBlock
        do {
            if let perCell, let codes = cellLandUses?.rows(row, n, columns: grid.columns) {
                block = try classifyInParallel(data, pH: pH, rowLength: grid.columns, threads: threads) { part, partPH, range throws(StandardsError) in
                    try perCell.classify(block: part, pH: partPH, landUse: Array(codes[range]))
                }
            } else {
                block = try classifyInParallel(data, pH: pH, rowLength: grid.columns, threads: threads) { part, partPH, _ throws(StandardsError) in
                    try classifier.classify(block: part, pH: partPH)
                }
            }
        } catch {
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
func classifyInParallel(_ data: [[Double]], pH: PHInput<Double>, rowLength: Int, threads: Int,
                        classify: @Sendable ([[Double]], PHInput<Double>, Range<Int>) throws(StandardsError) -> ClassifiedBlock)
    throws(StandardsError) -> ClassifiedBlock {
    let count = data.first?.count ?? 0
    let rows = count / max(rowLength, 1)
    let chunks = max(1, min(threads * 2, rows))
    if chunks == 1 { return try classify(data, pH, 0..<count) }
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
        results.set(c, Result { () throws(StandardsError) -> ClassifiedBlock in try classify(part, partPH, r) })
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

/// Converts a Standards error inside a block to an input error naming the raster cell.
func cellError(_ e: StandardsError, grid: GridSpec, firstRow: Int, columns: Int, phPath: String?) -> Error {
    if case let .pHOutOfRange(v, index?) = e {
        let r = firstRow + index / columns, c = index % columns
        return InputError(.badValue, path: phPath, location: "row \(r), column \(c)",
                          "pH \(v) is outside 0–14; check the pH surface (units, nodata value)")
    }
    return e
}

import Foundation
import GeoIO
import GeoTypes
import Standards
import Zonal

/// Everything needed to measure one parcel, shared read-only by the workers.
struct ParcelJob: @unchecked Sendable {
    let items: [PolygonLayer.Item]
    let landUses: [LandUse]
    let zones: [String]
    let classifiers: [LandUse: Classifier]
    let idIndex: Int?
    let np: Int
    let hasPH: Bool
    let phValue: Double?
    let exceedanceCount: Int
    let rule: ParcelRule
    let areaMode: AreaMode
    let grid: GridSpec
    let parcelsPath: String
    let phPath: String?

    /// Coverage, statistics, class shares, class and area of parcel `i`: its cells (exact
    /// coverage, one window read), each covered cell classified with the parcel's land use, then
    /// the parcel's class by ``ParcelRule/decide(_:classifier:)``.
    func measure(_ i: Int, _ worker: ParcelWorker) throws -> ParcelResult {
        let item = items[i]
        let label = "feature \(item.fid)"
        let cls = classifiers[landUses[i]]!
        let nStats = np + (hasPH ? 1 : 0)
        let g = try worker.toRaster?.transform(item.geometry) ?? item.geometry
        let cells = try ZoneCells.read(g, on: grid) { w in
            try worker.rasters.readWindow(column: w.firstColumn, row: w.firstRow, columns: w.columns, rows: w.rows)
        }
        var cellsSeen = ParcelCells(statistics: [ZonalStats](repeating: ZonalStats(), count: nStats + exceedanceCount))
        if !cells.isEmpty {
            let data = cells.bands
            var conc = [Double](repeating: 0, count: np)
            for k in 0..<cells.count {
                let f = cells.coverage.fractions[k]
                guard f > 0 else { continue }
                for s in 0..<cellsSeen.statistics.count { cellsSeen.statistics[s].add(fraction: f, value: data[s][k].isNaN ? nil : data[s][k]) }
                for s in 0..<np { conc[s] = data[s][k] }
                let ph: Double? = hasPH ? data[np][k] : phValue
                if conc.contains(where: \.isNaN) || (hasPH && ph!.isNaN) { cellsSeen.classes.add(fraction: f, class: nil); continue }
                let pc: PointClassification
                do { pc = try cls.classify(conc, pH: ph) } catch {
                    let (row, column) = cells.position(k)
                    throw InputError(.badValue, path: phPath, location: "\(label): cell row \(row), column \(column)", "\(error)")
                }
                cellsSeen.add(pc, fraction: f)
            }
        }
        // Class shares of the parcel's whole planar area in the raster CRS: parts outside the
        // grid or on nodata count as no data rather than being spread over the classes.
        let planar = g.planarArea
        var shares = (1...3).map { k in planar > 0 ? (cellsSeen.classes.coverageByClass[UInt8(k)] ?? 0) * grid.cellArea / planar : 0 }
        let sum = shares.reduce(0, +)
        if sum > 1 || (sum > 0 && 1 - sum < 1e-9) { shares = shares.map { $0 / sum } }
        var decided = ParcelClassDecision(soilClass: .nodata, controlling: nil)
        if cellsSeen.classes.dataCoverage > 0 {
            do {
                decided = try rule.decide(ParcelClassEvidence(means: cellsSeen.statistics.prefix(np).map { $0.mean ?? .nan },
                                                              pH: hasPH ? cellsSeen.statistics[np].mean : phValue, shares: shares,
                                                              controllingCoverage: cellsSeen.controllingCoverage, worstCell: cellsSeen.worstCell),
                                          classifier: cls)
            } catch {
                throw InputError(.badValue, path: parcelsPath, location: label, "\(error)")
            }
        }
        let area: Double
        switch areaMode {
        case .geodesic: area = try worker.areaCalc.geodesicArea(of: item.geometry)
        case .planar: area = g.planarArea
        }
        let id = idIndex.map { item.values[$0].text } ?? String(item.fid)
        let stats = cellsSeen.statistics, classCov = cellsSeen.classes
        return ParcelResult(
            fid: item.fid, id: id, zone: zones[i], landUse: landUses[i], area: area,
            means: stats.prefix(nStats).map { $0.mean ?? .nan }, maxima: stats.prefix(nStats).map { $0.max ?? .nan },
            exceedance: stats.suffix(exceedanceCount).map { $0.mean ?? .nan },
            shares: shares, dataFraction: classCov.coverage > 0 ? classCov.dataCoverage / classCov.coverage : 0,
            soilClass: decided.soilClass, controlling: decided.controlling)
    }
}

/// What a parcel's covered cells showed: coverage-weighted statistics per band, coverage per
/// class, per class the coverage of each controlling pollutant, and the worst cell.
struct ParcelCells {
    var statistics: [ZonalStats]
    var classes = ClassCoverage()
    var controllingCoverage: [UInt8: [Int: Double]] = [:]
    var worstCell: (SoilClass, Int?)? = nil

    /// Adds one classified cell (not nodata) with coverage `fraction`.
    mutating func add(_ pc: PointClassification, fraction f: Double) {
        if pc.soilClass == .nodata { classes.add(fraction: f, class: nil); return }
        classes.add(fraction: f, class: pc.soilClass.rawValue)
        if let c = pc.controlling { controllingCoverage[pc.soilClass.rawValue, default: [:]][c, default: 0] += f }
        if worstCell == nil || pc.soilClass > worstCell!.0 { worstCell = (pc.soilClass, pc.controlling) }
    }
}

/// Per-worker resources of a parcel analysis (not shared between threads).
final class ParcelWorker {
    let rasters: AlignedRasters
    let toRaster: Transformer?
    let areaCalc: AreaCalculator
    init(rasters: AlignedRasters, toRaster: Transformer?, areaCalc: AreaCalculator) {
        self.rasters = rasters
        self.toRaster = toRaster
        self.areaCalc = areaCalc
    }
}

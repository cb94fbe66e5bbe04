import Foundation
import GeoIO
import GeoTypes
import Standards
import Zonal

/// The official farmland classification of a run (农用地土壤环境质量类别划分): the soil point
/// evaluation, the graded crop samples, and the evaluation units with their final classes.
struct OfficialClassification {
    var points: PointEvaluation
    var crops: CropSamples?
    var units: EvaluationUnits
    /// Whether the units carry safe-use measures (the safe-utilization table is written).
    var hasMeasures: Bool
    /// Whether villages are given (the village table is written).
    var hasVillages: Bool
}

/// Makes and writes the official classification: `points.*` (点位评价表), `crops.*` (农产品评价),
/// `units.*` (图斑类别清单), `classes_by_township.*`, `classes_by_village.*`,
/// `safe_utilization.*` and `final_class.tif` (each unit's final class on the grid, cell centres
/// inside its parcels). A whole run and a merge call it with the same inputs and parcel results,
/// so their files are the same.
func classifyOfficially(_ inputs: RunInputs, analysis: ParcelAnalysis, crops: CropSamples?, context ctx: RunContext) throws -> OfficialClassification {
    let project = inputs.project, kind = inputs.standardTable.kind
    ctx.begin("Official classification: soil points, crop samples, evaluation units")
    var clock = StageClock()
    let landUses = analysis.parcels.map(\.landUse)
    let index = ZoneIndex(inputs.parcelGeometries)
    let points = try PointEvaluation.evaluate(inputs, landUses: landUses, parcels: index)
    ctx.warnings += points.warnings
    let units = try EvaluationUnits.form(inputs, analysis: analysis, points: points, crops: crops, parcelIndex: index)
    ctx.warnings += units.warnings
    clock.lap("official: points and units")
    let official = OfficialClassification(points: points, crops: crops, units: units,
                                          hasMeasures: project.classification.measureField != nil,
                                          hasVillages: project.classification.villageField != nil)

    let parcelIDs = analysis.parcels.map(\.id)
    let lonLat = try Transformer(from: inputs.working, to: try CRS(epsg: 4326)).transform(inputs.samples.coordinates)
    func tables(_ t: ResultTable, _ name: String) throws {
        try t.writeCSV(to: try ctx.path(name + ".csv"))
        try t.writeXLSX(to: try ctx.path(name + ".xlsx"), sheet: name)
    }
    try tables(points.table(parcelIDs: parcelIDs, lonLat: lonLat), "points")
    try points.writeGeoPackage(to: try ctx.path("points.gpkg"), crs: inputs.working, parcelIDs: parcelIDs)
    clock.lap("official: points tables")
    if let crops {
        var unitOf = [String?](repeating: nil, count: crops.count)
        for u in units.units { for j in u.cropSamples { unitOf[j] = u.id } }
        try tables(crops.table(unitOf: unitOf), "crops")
    }
    try tables(units.unitTable(kind: kind), "units")
    clock.lap("official: unit list")
    try units.writeGeoPackage(to: try ctx.path("units.gpkg"), source: inputs.parcels, kind: kind)
    clock.lap("official: units.gpkg")
    try tables(units.classTable(villages: false), "classes_by_township")
    if official.hasVillages { try tables(units.classTable(villages: true), "classes_by_village") }
    if official.hasMeasures { try tables(units.safeUtilizationTable(), "safe_utilization") }
    clock.lap("official: class tables")
    try writeFinalClassRaster(units, inputs: inputs, to: try ctx.path("final_class.tif"))
    clock.lap("official: final_class.tif")
    let final = (1...3).map { k in units.units.filter { $0.finalClass.rawValue == UInt8(k) }.count }
    ctx.end("official classification", "\(units.units.count) units: \(final[0]) / \(final[1]) / \(final[2]) in classes 1 / 2 / 3")
    ctx.timings += clock.laps.map { ($0.stage, $0.seconds) }
    return official
}

/// `final_class.tif`: each unit's final class on the run's grid (the cells whose centres lie in
/// its parcels), a UInt8 COG with the class colours and names, so the map shows the list's classes.
func writeFinalClassRaster(_ units: EvaluationUnits, inputs: RunInputs, to path: String) throws {
    let grid = inputs.grid
    // The parcels in layer order, each with its unit's class.
    var values = [UInt8](repeating: 0, count: inputs.parcelGeometries.count)
    for u in units.units { for p in u.parcels { values[p] = u.finalClass.rawValue } }
    let cells = rasterizeByCentre(inputs.parcelGeometries, values: values, grid: grid, window: GridWindow(grid: grid))
    var md = RasterMetadata.classes(standard: inputs.project.standard, landUse: inputs.project.rasterLandUse,
                                    pollutants: inputs.project.classifiedPollutants.map { Pollutant($0.name) }, parcelLandUses: true)
    md["SOILMAP_QUANTITY"] = "final class of each evaluation unit (soil and crops)"
    let w = try RasterWriter(path: path, spec: classRasterSpec(grid: grid, crs: inputs.working, standard: inputs.standardTable.kind, metadata: md))
    let blockRows = 256
    var row = 0
    while row < grid.rows {
        let n = min(blockRows, grid.rows - row)
        try w.write(rows: Array(cells[(row * grid.columns)..<((row + n) * grid.columns)]))
        row += n
    }
    try w.close()
}

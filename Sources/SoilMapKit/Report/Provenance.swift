import Foundation
import GeoIO
import Standards

/// The provenance record `run.json`.
func provenance(_ project: Project, _ r: RunResult, inputHashes: [(String, String)], threads: Int) -> [String: JSONValue] {
    func settingsJSON(_ s: InterpolationSettings) -> JSONValue {
        var o: [String: JSONValue] = ["method": .string(s.method.rawValue), "min_points": .int(Int64(s.minPoints))]
        if s.method == .idw { o["power"] = .number(s.power) }
        if let m = s.maxPoints { o["max_points"] = .int(Int64(m)) }
        if let rr = s.radius { o["radius"] = .number(rr) }
        return .object(o)
    }
    func cvJSON(_ c: VariableRun.Candidate) -> JSONValue {
        var o: [String: JSONValue] = ["label": .string(c.label), "settings": settingsJSON(c.settings),
                                      "n": .int(Int64(c.cv.count)), "me": .number(c.cv.meanError), "mae": .number(c.cv.meanAbsoluteError),
                                      "rmse": .number(c.cv.rootMeanSquaredError)]
        if c.settings.method != .idw, c.cv.meanSquaredDeviationRatio.isFinite { o["msdr"] = .number(c.cv.meanSquaredDeviationRatio) }
        if c.cv.correlation.isFinite { o["correlation"] = .number(c.cv.correlation) }
        if let v = c.variogram { o["variogram"] = .object(v.json.filter { $0.key == "model" }) }
        return .object(o)
    }
    let g = r.grid
    return [
        "soilmap": .string(SoilMapVersion.string), "gdal": .string(LibraryVersions.gdal), "proj": .string(LibraryVersions.proj),
        "project": .string(project.file),
        "inputs": .array(inputHashes.map { .object(["path": .string($0.0), "sha256": .string($0.1)]) }),
        "parameters": .object([
            "standard": .string(project.standard.name), "parcel_rule": .string(project.rule.rawValue),
            "area": .string(project.officialAreaField.map { "field:\($0)" } ?? project.area.rawValue),
            "geometry_area": .string(project.area.rawValue), "resolution": .number(project.resolution),
            "crs": .string(r.crs.shortName), "raster_land_use": .string(project.rasterLandUse.rawValue),
            "below_detection": .string(project.samples.belowDetection.rawValue), "threads": .int(Int64(threads)),
            "grid": .object(["min_x": .number(g.minX), "max_y": .number(g.maxY), "cell": .number(g.cellWidth),
                             "columns": .int(Int64(g.columns)), "rows": .int(Int64(g.rows))]),
        ]),
        "classification": .object(officialJSON(project, r)),
        "variables": .array(r.variables.map { v in
            .object(["name": .string(v.name), "field": .string(v.field), "samples": .int(Int64(v.sampleCount)),
                     "classify": .bool(v.classify), "chosen": cvJSON(v.chosen), "candidates": .array(v.candidates.map(cvJSON)),
                     "files": .object(v.files.mapValues { .string($0) })])
        }),
        "counts": .object(["parcels": .int(Int64(r.analysis.parcels.count)),
                           "class_cells": .array(r.classCellCounts.map { .int(Int64($0)) })]),
        "timings_s": .object(Dictionary(r.timings.map { ($0.0, JSONValue.number(($0.1 * 1000).rounded() / 1000)) }, uniquingKeysWith: { a, _ in a })),
        "warnings": .array(r.warnings.map { .string($0) }),
    ]
}

/// The official classification's settings and counts for run.json: where soil classes come from,
/// the crop rules, the limits table, the units by final class.
func officialJSON(_ project: Project, _ r: RunResult) -> [String: JSONValue] {
    let c = project.classification
    var o: [String: JSONValue] = [
        "soil_class_from": .string(c.soilClassFrom.rawValue),
        "rules": .object(["min_crop_samples": .int(Int64(c.rules.minimumSamples)), "compliant_share": .number(c.rules.compliantShare),
                          "severe_factor": .number(c.rules.severeFactor)]),
        "point_land_use_distance_m": .number(c.pointLandUseDistance),
        "unit_field": c.unitField.map { .string($0) } ?? .null,
    ]
    if let crops = r.official?.crops {
        o["crops"] = .object(["samples": .int(Int64(crops.count)), "limits": .string(crops.limits.source),
                              "inorganic_arsenic": .bool(project.crops?.inorganicArsenic ?? false)])
    }
    if let u = r.official?.units.units {
        o["units"] = .int(Int64(u.count))
        o["units_by_final_class"] = .array((0...3).map { k in .int(Int64(u.filter { $0.finalClass.rawValue == UInt8(k) }.count)) })
        o["units_to_review"] = .int(Int64(u.filter(\.decision.needsReview).count))
    }
    return o
}

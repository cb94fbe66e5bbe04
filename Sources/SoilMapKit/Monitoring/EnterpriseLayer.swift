import Foundation
import GeoIO
import Standards
import Zonal

/// The enterprises of a monitoring layer (points or site polygons), in the CRS the rings are
/// built in: the layer's own if projected in metres (not Mercator), else the Gauss-Krüger zone of
/// their centre.
struct EnterpriseLayer {
    var working: CRS
    var geometries: [Geometry]
    var ids: [String]
    var names: [String]

    static func read(path: String, layer: String?, settings: MonitorSettings) throws -> EnterpriseLayer {
        let ds = try VectorDataset(path: path, options: VectorOpenOptions(encoding: settings.encoding.map(TextEncoding.init)))
        let lyr = try ds.layer(named: layer)
        guard let ecrs = lyr.crs else { throw InputError(.badValue, path: path, "the enterprises have no CRS; add a .prj or use a GeoPackage") }
        let idIndex = try settings.idField.map { f -> Int in
            guard let i = lyr.fieldIndex(f) else { throw InputError(.missingField, path: path, "has no field '\(f)' (--id-field); its fields are: \(lyr.fields.map(\.name).joined(separator: ", "))") }
            return i
        }
        let nameIndex = try settings.nameField.map { f -> Int in
            guard let i = lyr.fieldIndex(f) else { throw InputError(.missingField, path: path, "has no field '\(f)' (--name-field); its fields are: \(lyr.fields.map(\.name).joined(separator: ", "))") }
            return i
        }
        var egeoms: [Geometry] = [], eids: [String] = [], enames: [String] = []
        try lyr.forEachFeature { f in
            guard let g = f.geometry else { throw InputError(.badValue, path: path, location: "feature \(f.fid)", "has no geometry; every enterprise needs a location") }
            switch g {
            case .point, .multiPoint, .polygon, .multiPolygon: break
            default: throw InputError(.unsupported, path: path, location: "feature \(f.fid)", "is neither a point nor a polygon; enterprises must be points or site polygons")
            }
            egeoms.append(g)
            eids.append(idIndex.map { f.values[$0].text } ?? String(f.fid))
            enames.append(nameIndex.map { f.values[$0].text } ?? "")
        }
        guard !egeoms.isEmpty else { throw InputError(.badValue, path: path, "has no enterprises (0 features)") }
        if let (i, j) = firstRepeatedIdentifier(eids) {
            throw InputError(.badValue, path: path, "enterprise id '\(eids[i])' is used by features #\(j + 1) and #\(i + 1); give every enterprise its own id")
        }
        let working: CRS
        let mercator = [3857, 3395, 900913, 3785].contains(ecrs.epsg ?? 0) || (ecrs.projString ?? "").contains("+proj=merc")
        if ecrs.isProjected && ecrs.metresPerLinearUnit == 1 && !mercator { working = ecrs } else {
            let c = Extent(enclosing: egeoms.flatMap(\.allCoordinates))!.center
            working = try WorkingCRS.gaussKruger(forLongitude: try Transformer(from: ecrs, to: try CRS(epsg: 4326)).transform(c).x)
        }
        let toWorking = working.isEquivalent(to: ecrs) ? nil : try Transformer(from: ecrs, to: working)
        egeoms = try egeoms.map { try toWorking?.transform($0) ?? $0 }
        return EnterpriseLayer(working: working, geometries: egeoms, ids: eids, names: enames)
    }

    /// Each enterprise's reach: the area within `distance` metres of it (a GEOS buffer, as the
    /// rings), in `crs`.
    func reach(distance: Double, in crs: CRS) throws -> [Geometry] {
        let t = crs.isEquivalent(to: working) ? nil : try Transformer(from: working, to: crs)
        return try geometries.map { g in
            let b = try GeometryOps.buffer(g, distance: distance)
            return try t?.transform(b) ?? b
        }
    }
}

import Foundation
import GeoIO

/// Polygon features read from a layer, validated and repaired.
public struct PolygonLayer: Sendable {
    public struct Item: Sendable {
        public var fid: Int64
        public var geometry: Geometry
        public var values: [AttributeValue]
    }
    public var path: String
    public var layerName: String
    public var fields: [FieldDefinition]
    public var crs: CRS?
    public var items: [Item]
    /// Features whose invalid geometry was repaired with `OGR_G_MakeValid`.
    public var repaired: [Int64]
    /// Features without polygonal geometry that were left out.
    public var skipped: [Int64]

    /// The items' geometries in `crs`, transformed from the layer's CRS (or from `assumed` when the
    /// layer declares none); as read when either CRS is unknown or they are equivalent.
    /// - Throws: ``TransformError`` naming the point PROJ cannot transform.
    public func geometries(in crs: CRS?, assuming assumed: CRS? = nil) throws -> [Geometry] {
        let geoms = items.map(\.geometry)
        guard let crs, let from = self.crs ?? assumed, !from.isEquivalent(to: crs) else { return geoms }
        let t = try Transformer(from: from, to: crs)
        return try geoms.map { try t.transform($0) }
    }

    public func fieldIndex(_ name: String) -> Int? {
        fields.firstIndex { $0.name == name } ?? fields.firstIndex { $0.name.lowercased() == name.lowercased() }
    }

    /// Index of a required field, or an error naming the file and listing the fields.
    public func requireField(_ name: String, option: String) throws -> Int {
        guard let i = fieldIndex(name) else {
            throw InputError(.missingField, path: path,
                             "has no field '\(name)' (\(option)); its fields are: \(fields.map(\.name).joined(separator: ", "))")
        }
        return i
    }

    /// Reads the polygons of `layer` in `path`, repairing invalid ones.
    ///
    /// - Parameters:
    ///   - encodingOption: how the user gives the encoding, for messages.
    ///   - within: only the features whose bounding box meets this extent (layer CRS units; a
    ///     tile of a tiled run), which may then be none.
    /// - Throws: ``InputError`` for unreadable files, layers without polygons.
    public static func read(path: String, layer: String? = nil, encoding: String? = nil,
                            encodingOption: String = "--encoding", within: Extent? = nil) throws -> PolygonLayer {
        let ds = try VectorDataset(path: path, options: VectorOpenOptions(encoding: encoding.map(TextEncoding.init),
                                                                          encodingOption: encodingOption))
        let l = try ds.layer(named: layer)
        l.setSpatialFilter(within)
        var out = PolygonLayer(path: path, layerName: l.name, fields: l.fields, crs: l.crs, items: [], repaired: [], skipped: [])
        try l.forEachFeature { f in
            guard var g = f.geometry, !g.polygons.isEmpty else { out.skipped.append(f.fid); return }
            if !(try GeometryOps.isValid(g)) {
                g = try GeometryOps.makeValid(g)
                out.repaired.append(f.fid)
                if g.polygons.isEmpty { out.skipped.append(f.fid); return }
            }
            out.items.append(Item(fid: f.fid, geometry: g, values: f.values))
        }
        if out.items.isEmpty && within == nil {
            if out.skipped.isEmpty {
                throw InputError(.badValue, path: path, "layer '\(l.name)' has no features; check the file and the layer")
            }
            throw InputError(.badValue, path: path,
                             "layer '\(l.name)' has \(out.skipped.count) feature(s) but no polygon (its geometry type is \(l.geometryTypeName)); parcels and townships must be polygons")
        }
        return out
    }

    /// Warnings about repaired and skipped features.
    public var warnings: [String] {
        var w: [String] = []
        if !repaired.isEmpty {
            w.append("\(path): \(repaired.count) invalid polygon(s) repaired with OGR_G_MakeValid (features \(repaired.prefix(10).map(String.init).joined(separator: ", "))\(repaired.count > 10 ? ", …" : ""))")
        }
        if !skipped.isEmpty {
            w.append("\(path): \(skipped.count) feature(s) without polygon geometry left out (features \(skipped.prefix(10).map(String.init).joined(separator: ", "))\(skipped.count > 10 ? ", …" : ""))")
        }
        return w
    }
}

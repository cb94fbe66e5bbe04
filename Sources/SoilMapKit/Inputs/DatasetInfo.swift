import Foundation
import GeoIO

/// What `soilmap info` reports about a file.
public enum DatasetInfo: Encodable, Sendable {
    case vector(VectorInfo)
    case raster(RasterInfo)

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .vector(let v): try v.encode(to: encoder)
        case .raster(let r): try r.encode(to: encoder)
        }
    }
}

public struct CRSInfo: Encodable, Sendable {
    public var name: String
    public var authority: String?
    public var epsg: Int?
    public var geographic: Bool
    public var linearUnit: String?

    init(_ c: CRS) {
        name = c.name
        authority = c.authority.map { "\($0.name):\($0.code)" }
        epsg = c.epsg
        geographic = c.isGeographic
        linearUnit = c.linearUnitName
    }

    var text: String { authority.map { "\(name) (\($0))" } ?? name }
}

public struct VectorInfo: Encodable, Sendable {
    public struct Field: Encodable, Sendable { public var name: String; public var type: String }
    public struct Layer: Encodable, Sendable {
        public var name: String
        public var geometryType: String
        public var featureCount: Int
        public var crs: CRSInfo?
        public var extent: [Double]?
        public var fields: [Field]
        public var features: [[String: String]]?
    }
    public var kind = "vector"
    public var path: String
    public var driver: String
    public var encoding: String?
    public var layers: [Layer]
}

public struct RasterInfo: Encodable, Sendable {
    public struct Band: Encodable, Sendable {
        public var index: Int
        public var dataType: String
        public var nodata: Double?
        public var blockSize: [Int]
        public var overviews: [[Int]]
        public var description: String?
        public var colorTable: [String: String]?
        public var categories: [String: String]?
    }
    public var kind = "raster"
    public var path: String
    public var driver: String
    public var size: [Int]
    public var crs: CRSInfo?
    public var geoTransform: [Double]
    public var layout: String?
    public var compression: String?
    public var metadata: [String: String]
    public var bands: [Band]
}

/// Describes a vector or raster file (the library side of `soilmap info`).
///
/// Tries to open `path` as a vector source first, then as a raster; when both fail,
/// the vector error (with GDAL's messages) is thrown.
public func describeDataset(path: String, features: Int = 0, encoding: String? = nil) throws -> DatasetInfo {
    do {
        let ds = try VectorDataset(path: path, options: VectorOpenOptions(encoding: encoding.map(TextEncoding.init)))
        if ds.layerCount > 0 || ds.driverName != "GTiff" {
            var layers: [VectorInfo.Layer] = []
            for l in ds.layers {
                var rows: [[String: String]]? = nil
                if features > 0 {
                    rows = try l.readFeatures(limit: features).map { f in
                        var d: [String: String] = ["fid": String(f.fid)]
                        for (i, fd) in l.fields.enumerated() { d[fd.name] = f.values[i].description }
                        return d
                    }
                }
                let e = l.extent
                layers.append(VectorInfo.Layer(
                    name: l.name, geometryType: l.geometryTypeName, featureCount: l.featureCount,
                    crs: l.crs.map(CRSInfo.init), extent: e.map { [$0.minX, $0.minY, $0.maxX, $0.maxY] },
                    fields: l.fields.map { VectorInfo.Field(name: $0.name, type: $0.type.rawValue) }, features: rows))
            }
            return .vector(VectorInfo(path: path, driver: ds.driverName, encoding: ds.sourceEncoding?.name, layers: layers))
        }
    } catch let e as InputError where e.kind == .notGeodata {
        if let r = try? RasterDataset(path: path) { return .raster(rasterInfo(r)) }
        throw e
    }
    return .raster(rasterInfo(try RasterDataset(path: path)))
}

private func rasterInfo(_ r: RasterDataset) -> RasterInfo {
    var bands: [RasterInfo.Band] = []
    for i in 1...max(r.bandCount, 1) where i <= r.bandCount {
        guard let b = try? r.band(i) else { continue }
        let ct = b.colorTable
        let cats = b.categoryNames
        bands.append(RasterInfo.Band(
            index: i, dataType: b.pixelTypeName, nodata: b.nodata, blockSize: [b.blockSize.columns, b.blockSize.rows],
            overviews: b.overviewSizes.map { [$0.columns, $0.rows] },
            description: b.description.isEmpty ? nil : b.description,
            colorTable: ct.isEmpty ? nil : Dictionary(uniqueKeysWithValues: ct.filter { $0.value.a > 0 }.map { (String($0.key), $0.value.hex) }),
            categories: cats.isEmpty ? nil : Dictionary(uniqueKeysWithValues: cats.map { (String($0.key), $0.value) })))
    }
    return RasterInfo(path: r.path, driver: r.driverName, size: [r.columns, r.rows], crs: r.crs.map(CRSInfo.init),
                      geoTransform: r.geoTransform, layout: r.layout, compression: r.compression,
                      metadata: r.metadata(), bands: bands)
}

extension DatasetInfo {
    /// A human-readable multi-line report.
    public var text: String {
        var s = ""
        func fmt(_ d: Double) -> String { String(format: "%.6f", d) }
        switch self {
        case .vector(let v):
            s += "File: \(v.path)\nDriver: \(v.driver)\n"
            if let e = v.encoding { s += "Attribute encoding: \(e)\n" }
            for l in v.layers {
                s += "\nLayer: \(l.name)\n  Geometry: \(l.geometryType)\n  Features: \(l.featureCount)\n"
                s += "  CRS: \(l.crs?.text ?? "none (coordinates in unstated units)")\n"
                if let e = l.extent { s += "  Extent: (\(fmt(e[0])), \(fmt(e[1]))) - (\(fmt(e[2])), \(fmt(e[3])))\n" }
                s += "  Fields (\(l.fields.count)):\n"
                for f in l.fields { s += "    \(f.name): \(f.type)\n" }
                if let rows = l.features {
                    for r in rows {
                        s += "  Feature \(r["fid"] ?? "?"):\n"
                        for f in l.fields { s += "    \(f.name) = \(r[f.name] ?? "")\n" }
                    }
                }
            }
        case .raster(let r):
            s += "File: \(r.path)\nDriver: \(r.driver)\nSize: \(r.size[0]) x \(r.size[1]), \(r.bands.count) band(s)\n"
            s += "CRS: \(r.crs?.text ?? "none")\n"
            s += "GeoTransform: \(r.geoTransform.map { String($0) }.joined(separator: ", "))\n"
            s += "Layout: \(r.layout ?? "plain")\(r.compression.map { ", compression \($0)" } ?? "")\n"
            for (k, v) in r.metadata.sorted(by: { $0.key < $1.key }) { s += "  \(k)=\(v)\n" }
            for b in r.bands {
                s += "Band \(b.index): \(b.dataType), block \(b.blockSize[0])x\(b.blockSize[1])"
                if let nd = b.nodata { s += ", nodata \(nd)" }
                s += "\n"
                if let d = b.description { s += "  Description: \(d)\n" }
                if !b.overviews.isEmpty { s += "  Overviews: \(b.overviews.map { "\($0[0])x\($0[1])" }.joined(separator: ", "))\n" }
                if let c = b.categories {
                    for k in c.keys.sorted(by: { Int($0)! < Int($1)! }) {
                        s += "  Category \(k): \(c[k]!)\(b.colorTable?[k].map { " \($0)" } ?? "")\n"
                    }
                }
            }
        }
        return s
    }
}

import Foundation
import GeoIO
import GeoTypes
import Standards

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

/// The writers of a class raster and, when `controlling` is given, its controlling-pollutant
/// raster, with their specifications and metadata: `classify`, `run`, `tile` and `merge` make
/// them here, so their files carry the same colours, names and `SOILMAP_*` metadata.
func classRasterWriters(class classPath: String, controlling: String?, grid: GridSpec, crs: CRS?, table: ThresholdTable,
                        pollutants: [Pollutant], standard: StandardChoice, landUse: LandUse, parcelLandUses: Bool,
                        layout: SurfaceLayout) throws -> (RasterWriter, RasterWriter?) {
    let md = RasterMetadata.classes(standard: standard, landUse: landUse, pollutants: pollutants, parcelLandUses: parcelLandUses)
    let cw = try RasterWriter(path: classPath, spec: classRasterSpec(grid: grid, crs: crs, standard: table.kind, metadata: md, layout: layout))
    let ctw = try controlling.map {
        try RasterWriter(path: $0, spec: controllingRasterSpec(grid: grid, crs: crs, pollutants: pollutants.map(\.name), metadata: md, layout: layout))
    }
    return (cw, ctw)
}

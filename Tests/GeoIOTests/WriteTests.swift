import Foundation
import Testing
@testable import GeoIO

@Suite("Writing vectors and rasters")
struct WriteTests {
    static let fields = [FieldDefinition("code", .string), FieldDefinition("name", .string),
                         FieldDefinition("parcels", .integer), FieldDefinition("area_mu", .real, width: 18, precision: 4)]
    static let rows: [(Geometry, [AttributeValue])] = [
        (.polygon(Polygon(exterior: LinearRing(closing: [Coordinate(400000, 3960000), Coordinate(401000, 3960000),
                                                           Coordinate(401000, 3961000), Coordinate(400000, 3961000)]),
                          holes: [LinearRing(closing: [Coordinate(400200, 3960200), Coordinate(400400, 3960200),
                                                        Coordinate(400400, 3960400), Coordinate(400200, 3960400)])])),
         [.string("140581100"), .string("米山镇"), .integer(12), .real(1234.5)]),
        (.polygon(Polygon(exterior: LinearRing(closing: [Coordinate(402000, 3960000), Coordinate(403000, 3960000),
                                                           Coordinate(403000, 3961000)]))),
         [.string("140581101"), .string("陈区镇（测试）"), .null, .real(0.25)]),
    ]

    func writeAndRead(_ path: String, format: VectorFormat, options: [String: String] = [:]) throws -> [Feature] {
        let w = try VectorWriter(path: path, format: format)
        let l = try w.createLayer(name: "towns", geometryType: .polygon, crs: try CRS(epsg: 4547), fields: Self.fields, options: options)
        try l.inTransaction {
            for (g, v) in Self.rows { try l.append(geometry: g, values: v) }
        }
        try w.close()
        let layer = try VectorDataset(path: path).layer(named: nil)
        #expect(layer.crs?.epsg == 4547)
        #expect(layer.fields.map(\.name) == Self.fields.map(\.name))
        return try layer.readFeatures()
    }

    @Test("GeoPackage round trip with Chinese text, nulls, holes and CRS")
    func geoPackageRoundTrip() throws {
        let f = try writeAndRead(Fixture.scratch() + "/t.gpkg", format: .geoPackage)
        #expect(f.count == 2)
        for (feature, row) in zip(f, Self.rows) {
            #expect(feature.geometry == row.0)
            #expect(feature.values == row.1)
        }
    }

    @Test("Shapefile round trip in UTF-8 (.cpg written) and in GBK")
    func shapefileRoundTrip() throws {
        let dir = Fixture.scratch()
        let f = try writeAndRead(dir + "/t.shp", format: .shapefile)
        #expect(try String(contentsOfFile: dir + "/t.cpg", encoding: .ascii).hasPrefix("UTF-8"))
        #expect(f.map { $0.values[1] } == Self.rows.map { $0.1[1] })
        #expect(f[0].geometry?.polygons.first?.holes.count == 1)

        let g = try writeAndRead(dir + "/g.shp", format: .shapefile, options: ["ENCODING": "CP936"])
        #expect(g.map { $0.values[1] } == Self.rows.map { $0.1[1] })
        // The .dbf really holds GBK bytes: 米山镇 is C3 D7 C9 BD D5 F2 in GBK (iconv -t GBK).
        let dbf = try Data(contentsOf: URL(fileURLWithPath: dir + "/g.dbf"))
        #expect(dbf.range(of: Data([0xC3, 0xD7, 0xC9, 0xBD, 0xD5, 0xF2])) != nil)
        #expect(dbf.range(of: Data("米山镇".utf8)) == nil)
    }

    func grid() throws -> GridSpec {
        try GridSpec(minX: 400000, maxY: 3961000, cellWidth: 10, cellHeight: 10, columns: 700, rows: 600)
    }

    func values(_ g: GridSpec) -> [Float] {
        (0..<g.cellCount).map { i in i % 97 == 0 ? .nan : Float(i % g.columns) * 0.5 + Float(i / g.columns) }
    }

    @Test("GeoTIFF written by row blocks has the nodata, CRS, geotransform, compression and pixels asked for",
          arguments: [Compression.deflate, .zstd])
    func geoTIFF(compression: Compression) throws {
        let g = try grid()
        let path = Fixture.scratch() + "/s.tif"
        let spec = RasterSpec(grid: g, pixelType: .float32, crs: try CRS(epsg: 4547), nodata: -9999,
                              compression: compression, tileSize: 256, cloudOptimized: false,
                              overviewResampling: .average, metadata: ["UNITS": "mg/kg"])
        let w = try RasterWriter(path: path, spec: spec)
        let v = values(g).map { $0.isNaN ? Float(-9999) : $0 }
        var row = 0
        for block in [1, 63, 200, 336] {  // uneven blocks
            try w.write(rows: Array(v[(row * g.columns)..<((row + block) * g.columns)]))
            row += block
        }
        try w.close()
        let r = try RasterDataset(path: path)
        #expect(r.columns == 700 && r.rows == 600)
        #expect(r.geoTransform == [400000, 10, 0, 3961000, 0, -10])
        #expect(r.crs?.epsg == 4547)
        #expect(r.compression == compression.rawValue)
        #expect(r.metadata()["UNITS"] == "mg/kg")
        let b = try r.band(1)
        #expect(b.nodata == -9999)
        #expect(b.pixelType == .float32)
        #expect(b.blockSize == (256, 256))
        #expect(b.overviewCount >= 1)
        let back = try b.read(column: 0, row: 0, columns: 700, rows: 600)
        #expect(back == v.map(Double.init))
    }

    @Test("A COG reports LAYOUT=COG, has overviews, and a class raster keeps colours and category names")
    func cloudOptimized() throws {
        let g = try grid()
        let path = Fixture.scratch() + "/class.tif"
        let spec = RasterSpec(grid: g, pixelType: .uint8, crs: try CRS(epsg: 4547), nodata: 0, tileSize: 256,
                              cloudOptimized: true, overviewResampling: .mode,
                              colorTable: [1: RGBA(0, 176, 80), 2: RGBA(255, 192, 0), 3: RGBA(255, 0, 0)],
                              categoryNames: [0: "nodata", 1: "优先保护类 Priority protection", 2: "安全利用类", 3: "严格管控类"])
        let w = try RasterWriter(path: path, spec: spec)
        let v = (0..<g.cellCount).map { UInt8($0 % 4) }
        try w.write(rows: v)
        try w.close()
        #expect(!FileManager.default.fileExists(atPath: path + ".staging.tif"))
        let r = try RasterDataset(path: path)
        #expect(r.layout == "COG")
        let b = try r.band(1)
        #expect(b.overviewCount >= 1)
        #expect(b.colorTable[1] == RGBA(0, 176, 80))
        #expect(b.colorTable[3] == RGBA(255, 0, 0))
        #expect(b.categoryNames[1] == "优先保护类 Priority protection")
        #expect(try b.readBytes(column: 0, row: 0, columns: 700, rows: 600) == v)
    }

    @Test("A float raster carries the exact statistics of its valid pixels (as stored, float32), which minMax uses",
          arguments: [false, true])
    func statistics(cloudOptimized: Bool) throws {
        let g = try grid()
        let path = Fixture.scratch() + "/s\(cloudOptimized).tif"
        let w = try RasterWriter(path: path, spec: RasterSpec(grid: g, pixelType: .float32, crs: try CRS(epsg: 4547), nodata: -9999,
                                                              cloudOptimized: cloudOptimized))
        // NaN every 97th cell, nodata every 89th, and doubles that round when stored as float32.
        var v = values(g).map(Double.init)
        for i in stride(from: 0, to: v.count, by: 89) { v[i] = -9999 }
        v[5] = 0.1234567890123  // not a float32
        try w.write(rows: v)
        try w.close()
        let valid = v.filter { !$0.isNaN && $0 != -9999 }.map { Double(Float($0)) }
        let mean = valid.reduce(0, +) / Double(valid.count)
        let sd = (valid.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(valid.count)).squareRoot()
        let b = try RasterDataset(path: path).band(1)
        let md = b.metadata()
        // GDAL stores the statistics as text with 14 significant digits.
        #expect(abs(Double(md["STATISTICS_MINIMUM"]!)! - valid.min()!) <= 1e-13 * max(1, abs(valid.min()!)))
        #expect(abs(Double(md["STATISTICS_MAXIMUM"]!)! - valid.max()!) <= 1e-13 * abs(valid.max()!))
        #expect(abs(Double(md["STATISTICS_MEAN"]!)! - mean) <= 1e-9 * abs(mean))
        #expect(abs(Double(md["STATISTICS_STDDEV"]!)! - sd) <= 1e-9 * sd)
        let (lo, hi) = b.minMax()
        #expect(abs(lo - valid.min()!) <= 1e-13 * max(1, abs(lo)) && abs(hi - valid.max()!) <= 1e-13 * abs(hi))
        #expect(!FileManager.default.fileExists(atPath: path + ".aux.xml"))
    }

    @Test("An unfinished raster is removed on close, not left looking complete")
    func incompleteRaster() throws {
        let g = try grid()
        let path = Fixture.scratch() + "/partial.tif"
        let w = try RasterWriter(path: path, spec: RasterSpec(grid: g, pixelType: .float32, crs: nil))
        try w.write(rows: [Float](repeating: 1, count: g.columns * 10))
        #expect(throws: LibraryError.self) { try w.close() }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".staging.tif"))
    }

    /// A noisy float surface (compresses, but not to nothing), row-major.
    func noisySurface(_ g: GridSpec) -> [Float] {
        var state: UInt64 = 12345
        return (0..<g.cellCount).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(i % g.columns) * 0.01 + Float(state >> 40) / Float(1 << 24)
        }
    }

    @Test("Compression level reaches GDAL: DEFLATE level 1 writes a larger COG than level 9, same pixels")
    func compressionLevel() throws {
        let g = try grid()
        let dir = Fixture.scratch()
        let v = noisySurface(g)
        var sizes: [Int] = []
        for level in [1, 9] {
            let path = dir + "/l\(level).tif"
            let w = try RasterWriter(path: path, spec: RasterSpec(grid: g, pixelType: .float32, crs: try CRS(epsg: 4547),
                                                                  overviewResampling: .average, compressionLevel: level))
            try w.write(rows: v)
            try w.close()
            let r = try RasterDataset(path: path)
            #expect(r.layout == "COG" && r.compression == "DEFLATE")
            #expect(try r.band(1).read(column: 0, row: 0, columns: 700, rows: 600) == v.map(Double.init))
            sizes.append(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int)
        }
        print("DEFLATE level 1 vs 9: \(sizes) bytes")
        #expect(sizes[0] > sizes[1])
    }

    @Test("closeAll finishes several COGs at once; a writer missing rows fails and is removed, the others are complete")
    func closeAllConcurrently() throws {
        let g = try grid()
        let dir = Fixture.scratch()
        let v = noisySurface(g)
        let spec = RasterSpec(grid: g, pixelType: .float32, crs: try CRS(epsg: 4547), overviewResampling: .average)
        let paths = (0..<3).map { dir + "/c\($0).tif" }
        let writers = try paths.map { try RasterWriter(path: $0, spec: spec) }
        for w in writers { try w.write(rows: v) }
        try RasterWriter.closeAll(writers)
        for p in paths {
            let r = try RasterDataset(path: p)
            #expect(r.layout == "COG")
            #expect(try r.band(1).read(column: 0, row: 0, columns: 700, rows: 600) == v.map(Double.init))
            #expect(!FileManager.default.fileExists(atPath: p + ".staging.tif"))
        }
        let good = try RasterWriter(path: dir + "/good.tif", spec: spec), bad = try RasterWriter(path: dir + "/bad.tif", spec: spec)
        try good.write(rows: v)
        try bad.write(rows: Array(v.prefix(g.columns * 5)))
        #expect(throws: LibraryError.self) { try RasterWriter.closeAll([good, bad]) }
        #expect(try RasterDataset(path: dir + "/good.tif").layout == "COG")
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.tif"))
    }
}

@Suite("Map pictures")
struct RenderingTests {
    /// A colour-relief PNG is `width` wide with the raster's aspect, coloured by value (exact at
    /// the stops), transparent where every cell is nodata, and opaque in the value's colour where
    /// a map pixel holds some valid cells (values are averaged, then coloured). The raster is
    /// large enough to have overviews, which the shrinking reads.
    @Test func colourReliefPNG() throws {
        let g = try GridSpec(minX: 0, maxY: 8_000, cellWidth: 10, cellHeight: 10, columns: 1_600, rows: 800)
        let path = Fixture.scratch() + "/relief.tif"
        let spec = RasterSpec(grid: g, pixelType: .float32, crs: nil, nodata: -9999, tileSize: 256, cloudOptimized: true,
                              overviewResampling: .average)
        let w = try RasterWriter(path: path, spec: spec)
        // Left half 0, right half 10; nodata in the top half from column 1,208 on (map pixel 60,
        // columns 1,200 ..< 1,220, holds 8 valid columns and 12 nodata ones).
        try w.write(rows: (0..<g.cellCount).map { i -> Float in
            let c = i % 1_600, r = i / 1_600
            return c < 800 ? 0 : (r < 400 && c >= 1_208 ? -9999 : 10)
        })
        try w.close()
        let source = try RasterDataset(path: path)
        #expect(try source.band(1).overviewCount >= 2)
        let png = try RasterRendering.colourReliefPNG(source, stops: [.init(0, RGBA(255, 0, 0)), .init(10, RGBA(0, 0, 255))], width: 80)
        let out = Fixture.scratch() + "/relief.png"
        try png.write(to: URL(fileURLWithPath: out))
        let r = try RasterDataset(path: out)
        #expect(r.columns == 80 && r.rows == 40 && r.bandCount == 4)
        func pixel(_ c: Int, _ row: Int) throws -> [Double] { try (1...4).map { try r.band($0).read(column: c, row: row, columns: 1, rows: 1)[0] } }
        #expect(try pixel(10, 30) == [255, 0, 0, 255])
        #expect(try pixel(50, 30) == [0, 0, 255, 255])
        #expect(try pixel(70, 5)[3] == 0)
        #expect(try pixel(60, 5) == [0, 0, 255, 255])
    }
}

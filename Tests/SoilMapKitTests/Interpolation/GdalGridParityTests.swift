import Foundation
import GeoIO
import GeoTypes
import SoilMapKit
import Testing

/// The CLI path of `soilmap interpolate` (runInterpolate → COG) against gdal_grid 3.6.2
/// (Tests/TestSupport/Fixtures/gdal_grid, shared with GeostatTests, made by its make_gdal_grid_fixtures.sh: 300 seeded points, a 48 × 36
/// grid of 250 m cells over 399000–411000 × 4001000–4010000).
@Suite("gdal_grid parity through runInterpolate")
struct GdalGridParityTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var reference: String
        var power: Double
        var smoothing: Double
        var maxPoints: Int?
        var radius: Double?
        var minPoints: Int
        var description: String { name }
    }

    static let cases = [
        Case(name: "invdist:power=2:smoothing=25", reference: "gdal_grid/gdal_invdist_p2_s25.asc",
             power: 2, smoothing: 25, maxPoints: nil, radius: nil, minPoints: 1),
        Case(name: "invdistnn:power=2:max_points=12:radius=1500:min_points=5", reference: "gdal_grid/gdal_invdistnn_p2_n12.asc",
             power: 2, smoothing: 0, maxPoints: 12, radius: 1500, minPoints: 5),
    ]

    @Test("Every cell within 1e-5 relative of gdal_grid; nodata cells identical", arguments: cases)
    func parity(_ c: Case) throws {
        let dir = ScratchFolder()
        let out = dir.file("z.tif")
        var s = InterpolationSettings(method: .idw)
        s.power = c.power
        s.smoothing = c.smoothing
        s.maxPoints = c.maxPoints
        s.radius = c.radius
        s.minPoints = c.minPoints
        let ref = try AsciiGrid(path: fixture(c.reference))
        let extent = Extent(minX: ref.xll, minY: ref.yll, maxX: ref.xll + Double(ref.columns) * ref.cellSize,
                            maxY: ref.yll + Double(ref.rows) * ref.cellSize)
        #expect(extent == Extent(minX: 399000, minY: 4001000, maxX: 411000, maxY: 4010000))
        // z goes down to −0.58 and the pipeline rejects negative values (concentrations):
        // interpolate z + 1 instead. IDW weights sum to 1, so the result is gdal_grid's + 1,
        // and the relative check is made on that interpolated quantity (all values ≥ 0.4).
        let shift = 1.0
        let pts = try CSVText(path: fixture("gdal_grid/gdal_points.csv"))
        let shifted = dir.file("points.csv")
        try writeCSV(shifted, header: ["id", "x", "y", "z"], rows: pts.rows.map { r in
            [r[0], r[1], r[2], String(Double(r[3])! + shift)]
        })
        _ = try runInterpolate(source: SampleSource(path: shifted, field: "z"), settings: s,
                               target: .grid(extent: extent, resolution: nil, size: (ref.columns, ref.rows),
                                             outputs: GridOutputs(prediction: out, variance: nil, exceedance: nil), mask: nil),
                               threads: 2)
        let (ds, grid, values, nodata) = try readRaster(out)
        #expect(ds.layout == "COG")
        #expect(grid.columns == 48 && grid.rows == 36 && grid.cellWidth == 250 && grid.cellHeight == 250)
        let nd = try #require(nodata)
        var worst = 0.0, worstAbs = 0.0, refNodata = 0, mismatched: [Int] = []
        for i in values.indices {
            let refIsNodata = ref.values[i] == ref.nodata
            if refIsNodata { refNodata += 1 }
            if refIsNodata != (values[i] == nd) { mismatched.append(i); continue }
            if !refIsNodata {
                worst = max(worst, relativeDifference(values[i], ref.values[i] + shift))
                worstAbs = max(worstAbs, abs(values[i] - shift - ref.values[i]))
            }
        }
        #expect(mismatched.isEmpty, "nodata differs at cells \(mismatched.prefix(10))")
        #expect(worst < 1e-5, "worst relative difference \(worst)")
        if c.minPoints > 1 { #expect(refNodata > 0, "the case should exercise min_points nodata") }
        print("gdal_grid \(c.name): max rel diff \(worst) (max abs diff in z \(worstAbs)), nodata cells \(refNodata)")
    }
}

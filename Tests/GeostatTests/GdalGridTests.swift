import Foundation
import GeoTypes
import Testing
@testable import Geostat

/// gdal_grid 3.6.2 references made by Tests/TestSupport/Fixtures/gdal_grid/make_gdal_grid_fixtures.sh (300 seeded points,
/// 48 × 36 cells of 250 m; gdal_grid evaluates each cell at its centre, row 0 north).
@Suite("IDW vs gdal_grid")
struct GdalGridTests {
    static func points() -> SampleSet {
        let c = Fixture.csv("gdal_points.csv")
        return try! SampleSet(x: Fixture.doubles(c, "x"), y: Fixture.doubles(c, "y"), values: Fixture.doubles(c, "z"), ids: c["id"])
    }

    func compare(_ idw: InverseDistanceWeighting, _ file: String, label: String) throws {
        let ref = Fixture.asciiGrid(file)
        let grid = try GridSpec(minX: ref.xll, maxY: ref.yll + Double(ref.rows) * ref.cell, cellWidth: ref.cell, cellHeight: ref.cell,
                                columns: ref.cols, rows: ref.rows)
        let out: RowBlock<Double> = try GridInterpolation.run(idw, grid: grid, as: Double.self, threads: 2, blockRows: 7)
        var maxRel = 0.0, nodataBoth = 0
        for (a, b) in zip(out.prediction, ref.values) {
            if b == ref.nodata {
                #expect(a.isNaN, "gdal_grid nodata but Geostat \(a)")
                nodataBoth += 1
            } else {
                maxRel = max(maxRel, relDiff(a, b))
            }
        }
        print("gdal_grid \(label): max rel diff \(maxRel) over \(ref.values.count - nodataBoth) cells, \(nodataBoth) nodata cells")
        #expect(maxRel < 1e-5)
        #expect(out.prediction.count == ref.values.count)
    }

    @Test func globalInvdistWithSmoothing() throws {
        let idw = try InverseDistanceWeighting(samples: Self.points(), power: 2, smoothing: 25)
        try compare(idw, "gdal_invdist_p2_s25.asc", label: "invdist:power=2:smoothing=25")
    }

    /// gdal_grid's float32 SSE/AVX case (power 2, no smoothing), referenced by its double C code:
    /// the double kernel to ~1e-15, the opt-in single-precision kernel within 1e-5.
    @Test(arguments: IDWPrecision.allCases)
    func globalInvdistNoSmoothing(precision: IDWPrecision) throws {
        let idw = try InverseDistanceWeighting(samples: Self.points(), power: 2, precision: precision)
        #expect(idw.usesSinglePrecisionKernel == (precision == .single))
        try compare(idw, "gdal_invdist_p2.asc", label: "invdist:power=2 (\(precision))")
    }

    @Test func invdistnnNearest12() throws {
        let nb = try Neighbourhood(maxPoints: 12, radius: 1500, minPoints: 5)
        let idw = try InverseDistanceWeighting(samples: Self.points(), power: 2, smoothing: 0, neighbourhood: nb)
        try compare(idw, "gdal_invdistnn_p2_n12.asc", label: "invdistnn:power=2:max_points=12:radius=1500:min_points=5")
    }
}

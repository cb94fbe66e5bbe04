import Foundation
import GeoTypes
import Testing
@testable import Geostat

@Suite("Bad input")
struct BadInputTests {
    static let model = VariogramModel([.init(.nugget, partialSill: 0.1), .init(.spherical, partialSill: 1, range: 500)])

    @Test func fewerPointsThanMinPoints() throws {
        let s = try SampleSet(x: [0, 10, 20], y: [0, 5, 0], values: [1, 2, 3])
        let nb = try Neighbourhood(maxPoints: 8, minPoints: 5)
        #expect(throws: GeostatError.tooFewSamples(required: 5, available: 3)) { try InverseDistanceWeighting(samples: s, neighbourhood: nb) }
        #expect(throws: GeostatError.tooFewSamples(required: 5, available: 3)) { try OrdinaryKriging(samples: s, model: Self.model, neighbourhood: nb) }
        #expect(throws: GeostatError.self) { try Neighbourhood(maxPoints: 4, minPoints: 5) }
        #expect(throws: GeostatError.noSamples) { try InverseDistanceWeighting(samples: try SampleSet(x: [], y: [], values: [])) }
    }

    @Test func allEqualValues() throws {
        let s = try SampleSet(x: [0, 10, 20, 30], y: [0, 5, 0, 9], values: [4, 4, 4, 4])
        #expect(throws: GeostatError.zeroVariance(value: 4)) { try EmpiricalVariogram.compute(s) }
        let e = GeostatError.zeroVariance(value: 4)
        #expect(e.description.contains("variance is zero"))
    }

    @Test(arguments: [0.0, -3.5])
    func nonPositiveForLognormal(bad: Double) throws {
        let s = try SampleSet(x: [0, 10, 20], y: [0, 5, 0], values: [1, bad, 3], ids: ["p1", "p2", "p3"])
        #expect(throws: GeostatError.nonPositiveValueForLognormal(index: 1, id: "p2", value: bad)) {
            try LognormalKriging(samples: s, logModel: Self.model)
        }
    }

    @Test func nanValuesAreRejected() {
        #expect(throws: GeostatError.nonFiniteSample(index: 1, id: "p2")) {
            try SampleSet(x: [0, 10], y: [0, 5], values: [1, .nan], ids: ["p1", "p2"])
        }
        #expect(throws: GeostatError.mismatchedLengths(x: 2, y: 1, values: 2, ids: nil)) { try SampleSet(x: [0, 1], y: [0], values: [1, 2]) }
    }

    @Test func emptyGrid() throws {
        #expect(throws: GridSpecError.self) { try GridSpec(minX: 0, maxY: 0, cellWidth: 1, cellHeight: 1, columns: 0, rows: 3) }
        var g = try GridSpec(minX: 0, maxY: 0, cellWidth: 1, cellHeight: 1, columns: 2, rows: 3)
        g.rows = 0
        let idw = try InverseDistanceWeighting(samples: try SampleSet(x: [0], y: [0], values: [1]))
        #expect(throws: GeostatError.emptyGrid(columns: 2, rows: 0)) {
            try GridInterpolation.run(idw, grid: g, as: Double.self) { (_: RowBlock<Double>) in }
        }
        #expect(throws: GeostatError.self) {
            try GridInterpolation.run(idw, grid: try GridSpec(minX: 0, maxY: 0, cellWidth: 1, cellHeight: 1, columns: 2, rows: 3),
                                      as: Double.self, blockRows: 0) { (_: RowBlock<Double>) in }
        }
    }

    /// Targets outside every radius (or with fewer than min-points) are NaN nodata, not errors.
    @Test func targetsOutsideEveryRadiusAreNaN() throws {
        let s = try SampleSet(x: [0, 10, 20, 5], y: [0, 5, 0, 12], values: [1, 2, 3, 4])
        let nb = try Neighbourhood(maxPoints: 3, radius: 50, minPoints: 2)
        let far = Coordinate(x: 1000, y: 1000)
        let idw = try InverseDistanceWeighting(samples: s, neighbourhood: nb)
        let ok = try OrdinaryKriging(samples: s, model: Self.model, neighbourhood: nb)
        let lok = try LognormalKriging(samples: s, logModel: Self.model, neighbourhood: nb, threshold: 2)
        #expect(idw.predict(at: far).prediction.isNaN)
        let e = ok.predict(at: far)
        #expect(e.prediction.isNaN && e.variance.isNaN)
        let l = lok.predict(at: far)
        #expect(l.prediction.isNaN && l.exceedance.isNaN)
        #expect(idw.predict(at: Coordinate(x: 5, y: 5)).prediction.isFinite)
        // Only one sample within 12 of this point, but min-points is 2.
        let sparse = try InverseDistanceWeighting(samples: s, neighbourhood: try Neighbourhood(maxPoints: 3, radius: 12, minPoints: 2))
        #expect(sparse.predict(at: Coordinate(x: -9, y: 0)).prediction.isNaN)
    }

    @Test func invalidModelsAndFits() throws {
        let s = try SampleSet(x: [0, 10, 20], y: [0, 5, 0], values: [1, 2, 3])
        #expect(throws: GeostatError.self) { try OrdinaryKriging(samples: s, model: VariogramModel([.init(.spherical, partialSill: 1, range: 0)])) }
        #expect(throws: GeostatError.self) { try OrdinaryKriging(samples: s, model: VariogramModel([])) }
        #expect(throws: GeostatError.self) { try InverseDistanceWeighting(samples: s, power: -1) }
        let v = try EmpiricalVariogram.compute(Fixture.meuseSamples(logZinc: true))
        var flat = v
        for i in flat.lags.indices { flat.lags[i].gamma = 0 }
        #expect(throws: GeostatError.self) { try VariogramFit.fit(flat, initial: Self.model) }
        #expect(throws: GeostatError.self) { try EmpiricalVariogram.compute(s, cutoff: 1) }
        #expect(throws: GeostatError.self) { try CrossValidation.run(try InverseDistanceWeighting(samples: s), folds: .kFold(5, seed: 1)) }
    }
}

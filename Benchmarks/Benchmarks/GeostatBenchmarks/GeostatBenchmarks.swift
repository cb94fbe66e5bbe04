// Geostat benchmarks on the problem size of the interpolation issues: 2,000 samples over a
// 40 × 30 km extent (EPSG:4547-like coordinates), generated in-process from a seeded RNG.
//
// Each iteration interpolates a whole grid through `GridInterpolation.run` (all cores, rows
// streamed in blocks and dropped, as the CLI does before writing). Grids are smaller than the
// 2000 × 1500 production grid so that an iteration stays within seconds; the custom metric
// "cells/s" (grid cells ÷ wall seconds of the iteration) is comparable across grid sizes.
//
//   swift package benchmark --target GeostatBenchmarks
//
// The end-to-end comparison with gdal_grid and gstat (same data, CLI, files) is Benchmarks/run.sh.
import Benchmark
import Foundation
import GeoTypes
import Geostat

// MARK: - Problem

/// The benchmark extent: 40 × 30 km, the same origin as Benchmarks/reference/make_problems.py.
private let extent = Extent(minX: 380_000, minY: 3_945_000, maxX: 420_000, maxY: 3_975_000)

/// 2,000 samples: 70 % on a jittered grid, 30 % in 12 clusters (σ 900 m), values lognormal
/// (median ≈ 0.18) from a smooth two-scale field plus noise. Deterministic for the seed.
private func makeSamples(count n: Int = 2_000, seed: UInt64 = 20_260_101) -> SampleSet {
    var rng = SplitMix64(seed: seed)
    let w = extent.width, h = extent.height
    let nGrid = n * 7 / 10
    let nx = Int((Double(nGrid) * w / h).squareRoot().rounded())
    let ny = (nGrid + nx - 1) / nx
    var xs: [Double] = [], ys: [Double] = []
    xs.reserveCapacity(n); ys.reserveCapacity(n)
    for k in 0..<nGrid {
        let i = k % nx, j = k / nx
        xs.append((Double(i) + 0.5 + 0.7 * (rng.nextUniform() - 0.5)) * w / Double(nx))
        ys.append((Double(j) + 0.5 + 0.7 * (rng.nextUniform() - 0.5)) * h / Double(ny))
    }
    let centres = (0..<12).map { _ in (2_000 + rng.nextUniform() * (w - 4_000), 2_000 + rng.nextUniform() * (h - 4_000)) }
    for _ in nGrid..<n {
        let c = centres[rng.nextInt(below: 12)]
        xs.append(c.0 + 900 * rng.nextGaussian())
        ys.append(c.1 + 900 * rng.nextGaussian())
    }
    var values: [Double] = []
    values.reserveCapacity(n)
    for k in 0..<n {
        xs[k] = min(max(xs[k], 10), w - 10) + extent.minX
        ys[k] = min(max(ys[k], 10), h - 10) + extent.minY
        let u = (xs[k] - extent.minX) / 6_000, v = (ys[k] - extent.minY) / 6_000
        let field = 0.45 * sin(u + 0.3 * v) * cos(0.7 * v - 0.2 * u) + 0.25 * sin(4 * u) * sin(4 * v)
        values.append(0.18 * exp(field + 0.12 * rng.nextGaussian()))
    }
    return try! SampleSet(x: xs, y: ys, values: values)
}

/// A grid over the extent with `columns × rows` cells (as `gdal_grid -outsize`).
private func grid(_ columns: Int, _ rows: Int) -> GridSpec {
    try! GridSpec(extent: extent, columns: columns, rows: rows)
}

/// The model of the kriging benchmark (ln scale): nugget 0.03 + spherical 0.2, range 6 km.
private let logModel = VariogramModel([.init(.nugget, partialSill: 0.03), .init(.spherical, partialSill: 0.2, range: 6_000)])

// MARK: - Harness

private let cellsPerSecond = BenchmarkMetric.custom("cells/s", polarity: .prefersLarger, useScalingFactor: false)

private var heavy: Benchmark.Configuration { .init(
    metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal, cellsPerSecond],
    timeUnits: .milliseconds,
    warmupIterations: 1,
    maxDuration: .seconds(10),
    maxIterations: 5
) }

/// Interpolates `g` once, dropping the rows as they arrive, and records cells/s.
private func interpolate<I: PointInterpolator>(_ interpolator: I, on g: GridSpec, _ benchmark: Benchmark) throws {
    let start = ContinuousClock.now
    var checksum: Float = 0
    try GridInterpolation.run(interpolator, grid: g, as: Float.self) { (block: RowBlock<Float>) in
        checksum += block.prediction[block.prediction.count / 2]
        if let v = block.variance { checksum += v[v.count / 2] }
    }
    let elapsed = ContinuousClock.now - start
    blackHole(checksum)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    benchmark.measurement(cellsPerSecond, Int(Double(g.cellCount) / seconds))
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    let samples = makeSamples()
    let logSamples = try! samples.withValues(samples.values.map { log($0) })

    // (a) gdal_grid invdistnn:power=2:max_points=16:radius=6000, 1000 × 750 (40 m).
    let nearestGrid = grid(1_000, 750)
    Benchmark("IDW nearest-16 r6000 p2, 2000 samples → 1000×750", configuration: heavy) { benchmark in
        let idw = try InverseDistanceWeighting(samples: samples, power: 2,
                                               neighbourhood: try .nearest(16, radius: 6_000, minPoints: 1))
        try interpolate(idw, on: nearestGrid, benchmark)
    }

    // (b) gdal_grid invdist:power=2 (all 2,000 samples per cell), 500 × 375 (80 m).
    let globalGrid = grid(500, 375)
    Benchmark("IDW global p2, 2000 samples → 500×375", configuration: heavy) { benchmark in
        let idw = try InverseDistanceWeighting(samples: samples, power: 2)
        try interpolate(idw, on: globalGrid, benchmark)
    }

    // (c) gstat krige(nmax = 16): local ordinary kriging with variance, 1000 × 750 (40 m),
    //     the grid of the gstat comparison in run.sh.
    let krigingGrid = grid(1_000, 750)
    Benchmark("OK nearest-16 + variance, 2000 samples → 1000×750", configuration: heavy) { benchmark in
        let ok = try OrdinaryKriging(samples: logSamples, model: logModel, neighbourhood: try .nearest(16))
        try interpolate(ok, on: krigingGrid, benchmark)
    }
}

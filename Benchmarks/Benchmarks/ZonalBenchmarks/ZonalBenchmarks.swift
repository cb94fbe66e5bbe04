// Zonal benchmarks on the problem size of the zonal issue: exact coverage and class areas of
// 20,000 parcels over a 2000 × 1500 grid of 20 m cells (40 × 30 km), generated in-process from
// a seeded RNG.
//
// The parcels are a jittered 160 × 125 quad mesh of ~250 × 240 m blocks, each pulled in by a
// random 3–30 m margin, so edges fall anywhere inside cells (as in
// Benchmarks/reference/make_problems.py). The class raster is UInt8 1…3 in patches.
// "cells/s" is raster cells (3,000,000) ÷ wall seconds of the iteration, the unit
// run_references.sh uses for exactextract.
//
//   swift package benchmark --target ZonalBenchmarks
//
// The end-to-end comparison with exactextract (files, CLI) is Benchmarks/run.sh.
import Benchmark
import Dispatch
import Foundation
import GeoTypes
import Geostat  // SplitMix64 only
import Zonal

// MARK: - Problem

private let grid = try! GridSpec(extent: Extent(minX: 380_000, minY: 3_945_000, maxX: 420_000, maxY: 3_975_000),
                                 columns: 2_000, rows: 1_500)

/// 20,000 quadrilateral parcels; deterministic for the seed.
private func makeParcels(seed: UInt64 = 20_260_102) -> [Polygon] {
    var rng = SplitMix64(seed: seed)
    let bx = 160, by = 125
    let w = (grid.maxX - grid.minX) / Double(bx), h = (grid.maxY - grid.minY) / Double(by)
    var gx = [Double](repeating: 0, count: (bx + 1) * (by + 1)), gy = gx
    for i in 0...bx {
        for j in 0...by {
            let inner = i > 0 && i < bx && j > 0 && j < by
            let jx = inner ? (rng.nextUniform() * 0.44 - 0.22) * w : 0
            let jy = inner ? (rng.nextUniform() * 0.44 - 0.22) * h : 0
            gx[i * (by + 1) + j] = grid.minX + Double(i) * w + jx
            gy[i * (by + 1) + j] = grid.minY + Double(j) * h + jy
        }
    }
    var parcels: [Polygon] = []
    parcels.reserveCapacity(bx * by)
    for j in 0..<by {
        for i in 0..<bx {
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)].map { (a, b) in
                Coordinate(x: gx[a * (by + 1) + b], y: gy[a * (by + 1) + b])
            }
            let cx = corners.reduce(0) { $0 + $1.x } / 4, cy = corners.reduce(0) { $0 + $1.y } / 4
            let margin = 3 + 27 * rng.nextUniform()
            let ring = corners.map { c -> Coordinate in
                let dx = cx - c.x, dy = cy - c.y, d = (dx * dx + dy * dy).squareRoot()
                let t = min(margin * 2.0.squareRoot() / d, 0.9)
                return Coordinate(x: c.x + t * dx, y: c.y + t * dy)
            }
            parcels.append(Polygon(exterior: LinearRing(closing: ring)))
        }
    }
    return parcels
}

/// A 2000 × 1500 class raster: classes 1, 2, 3 (≈ 80 / 15 / 5 %) in smooth patches.
private func makeClasses() -> RasterWindow<UInt8> {
    var values = [UInt8](repeating: 1, count: grid.cellCount)
    for r in 0..<grid.rows {
        for c in 0..<grid.columns {
            let u = Double(c) / 180, v = Double(r) / 150
            let z = sin(u) * cos(v + 0.5 * sin(0.37 * u)) + 0.5 * sin(3.1 * u + 1.3) * sin(2.7 * v)
            values[r * grid.columns + c] = z > 1.0 ? 3 : (z > 0.55 ? 2 : 1)
        }
    }
    return RasterWindow(window: GridWindow(grid: grid), values: values)
}

// MARK: - Harness

private let cellsPerSecond = BenchmarkMetric.custom("cells/s", polarity: .prefersLarger, useScalingFactor: false)

private var heavy: Benchmark.Configuration { .init(
    metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal, cellsPerSecond],
    timeUnits: .milliseconds,
    warmupIterations: 1,
    maxDuration: .seconds(10),
    maxIterations: 10
) }

private func record(_ start: ContinuousClock.Instant, _ benchmark: Benchmark) {
    let e = ContinuousClock.now - start
    let seconds = Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18
    benchmark.measurement(cellsPerSecond, Int(Double(grid.cellCount) / seconds))
}

/// Class areas (m², planar) of `parcels[range]`, in parcel order.
private func classAreas(_ parcels: [Polygon], _ range: Range<Int>, _ classes: RasterWindow<UInt8>) -> [[UInt8: Double]] {
    var out: [[UInt8: Double]] = []
    out.reserveCapacity(range.count)
    for k in range {
        let cov = ExactCoverage.coverage(of: parcels[k], on: grid)
        var acc = ClassCoverage()
        acc.accumulate(cov, classes, nodata: 0)
        out.append(acc.areas(.planar(cellArea: grid.cellArea)))
    }
    return out
}

/// Per-slot results written by exactly one worker of `concurrentPerform`.
private final class Slots<T>: @unchecked Sendable {
    var items: [T?]
    init(_ n: Int) { items = [T?](repeating: nil, count: n) }
}

// MARK: - Benchmarks

let benchmarks: @Sendable () -> Void = {
    let parcels = makeParcels()
    let classes = makeClasses()

    Benchmark("Exact coverage only, 20000 parcels on 2000×1500, 1 thread", configuration: heavy) { benchmark in
        let start = ContinuousClock.now
        var total = 0.0
        for p in parcels { total += ExactCoverage.coverage(of: p, on: grid).totalCoverage }
        blackHole(total)
        record(start, benchmark)
    }

    Benchmark("Class areas (coverage × class raster), 20000 parcels on 2000×1500, 1 thread", configuration: heavy) { benchmark in
        let start = ContinuousClock.now
        blackHole(classAreas(parcels, 0..<parcels.count, classes))
        record(start, benchmark)
    }

    let threads = ProcessInfo.processInfo.activeProcessorCount
    Benchmark("Class areas, 20000 parcels on 2000×1500, \(threads) threads", configuration: heavy) { benchmark in
        let start = ContinuousClock.now
        let chunks = 8 * threads
        let slots = Slots<[[UInt8: Double]]>(chunks)
        let n = parcels.count
        DispatchQueue.concurrentPerform(iterations: chunks) { k in
            let r = (k * n / chunks)..<((k + 1) * n / chunks)
            let part = classAreas(parcels, r, classes)
            slots.items.withUnsafeMutableBufferPointer { $0[k] = part }
        }
        blackHole(slots.items.reduce(0) { $0 + ($1?.count ?? 0) })
        record(start, benchmark)
    }
}

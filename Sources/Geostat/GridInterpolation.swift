import Dispatch
import Foundation
import GeoTypes

/// A finished block of grid rows, delivered in row order (row 0 = north first).
///
/// Arrays are row-major, `rowCount × columns`, starting at `firstRow`; nodata cells are NaN.
public struct RowBlock<Scalar: BinaryFloatingPoint & Sendable>: Sendable {
    public var firstRow: Int
    public var rowCount: Int
    public var columns: Int
    /// Predictions (value units).
    public var prediction: [Scalar]
    /// Kriging variances, or nil for methods without variance (IDW).
    public var variance: [Scalar]?
    /// Exceedance probabilities, or nil unless the method produces them (lognormal kriging with a threshold).
    public var exceedance: [Scalar]?
}

/// Runs a ``PointInterpolator`` over every cell centre of a ``GridSpec``, in parallel.
public enum GridInterpolation {
    /// Interpolates `grid` (cell centres, row 0 north) and streams the result to `sink`.
    ///
    /// The rows are split into blocks of `blockRows`; waves of at most `blocksInFlight` blocks
    /// are computed by `threads` workers (`DispatchQueue.concurrentPerform`, each worker with its
    /// own workspace), then handed to `sink` **on the caller's thread, in row order**, so at most
    /// `blocksInFlight` blocks are in memory at once and a larger-than-memory grid can stream
    /// to a GeoTIFF. Every cell is computed by the same pure function of its coordinates, so
    /// results are bit-identical for any `threads` and `blockRows`.
    ///
    /// - Parameters:
    ///   - scalarType: `Float.self` or `Double.self`; computations are always in Double and rounded on output.
    ///   - threads: worker count ≥ 1 (default: active processor count).
    ///   - blockRows: rows per block ≥ 1.
    ///   - blocksInFlight: blocks computed before they are delivered (default 2 × threads).
    /// - Throws: ``GeostatError/emptyGrid(columns:rows:)``, ``GeostatError/invalidParameter(name:value:expected:)``,
    ///   and whatever `sink` throws (then the run stops after the current wave).
    /// - Edge behaviour: cells outside every search radius (or with fewer than min-points) are NaN.
    public static func run<I: PointInterpolator, Scalar: BinaryFloatingPoint & Sendable>(
        _ interpolator: I, grid: GridSpec, as scalarType: Scalar.Type,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, blockRows: Int = 32, blocksInFlight: Int? = nil,
        sink: (RowBlock<Scalar>) throws -> Void
    ) throws {
        guard grid.columns > 0, grid.rows > 0 else { throw GeostatError.emptyGrid(columns: grid.columns, rows: grid.rows) }
        guard threads >= 1 else { throw GeostatError.invalidParameter(name: "threads", value: Double(threads), expected: "≥ 1") }
        guard blockRows >= 1 else { throw GeostatError.invalidParameter(name: "blockRows", value: Double(blockRows), expected: "≥ 1") }
        let inFlight = max(blocksInFlight ?? 2 * threads, 1)
        let nBlocks = (grid.rows + blockRows - 1) / blockRows
        let outs = interpolator.outputs
        var next = 0
        while next < nBlocks {
            let wave = min(inFlight, nBlocks - next)
            let slots = ResultSlots<RowBlock<Scalar>>(count: wave)
            let first = next
            let work: @Sendable (Int) -> Void = { worker in
                var ws = interpolator.makeWorkspace()
                var b = worker
                while b < wave {
                    let block = computeBlock(interpolator, grid: grid, blockIndex: first + b, blockRows: blockRows,
                                             outputs: outs, workspace: &ws, as: Scalar.self)
                    slots.set(b, block)
                    b += threads
                }
            }
            let workers = min(threads, wave)
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
            for b in 0..<wave { try sink(slots.take(b)) }
            next += wave
        }
    }

    /// Convenience: the whole grid in memory as one row-major block.
    public static func run<I: PointInterpolator, Scalar: BinaryFloatingPoint & Sendable>(
        _ interpolator: I, grid: GridSpec, as scalarType: Scalar.Type,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, blockRows: Int = 32
    ) throws -> RowBlock<Scalar> {
        let outs = interpolator.outputs
        var all = RowBlock<Scalar>(firstRow: 0, rowCount: grid.rows, columns: grid.columns,
                                   prediction: [], variance: outs.variance ? [] : nil, exceedance: outs.exceedance ? [] : nil)
        all.prediction.reserveCapacity(grid.cellCount)
        try run(interpolator, grid: grid, as: scalarType, threads: threads, blockRows: blockRows) { (b: RowBlock<Scalar>) in
            all.prediction += b.prediction
            if let v = b.variance { all.variance! += v }
            if let e = b.exceedance { all.exceedance! += e }
        }
        return all
    }

    static func computeBlock<I: PointInterpolator, Scalar: BinaryFloatingPoint>(
        _ interp: I, grid: GridSpec, blockIndex: Int, blockRows: Int, outputs: InterpolatorOutputs,
        workspace ws: inout I.Workspace, as: Scalar.Type
    ) -> RowBlock<Scalar> {
        let r0 = blockIndex * blockRows
        let nr = min(blockRows, grid.rows - r0)
        let n = nr * grid.columns
        var pred = [Scalar](repeating: 0, count: n)
        var vari = outputs.variance ? [Scalar](repeating: 0, count: n) : nil
        var exc = outputs.exceedance ? [Scalar](repeating: 0, count: n) : nil
        for r in 0..<nr {
            let y = grid.centerY(row: r0 + r)
            for c in 0..<grid.columns {
                let e = interp.estimate(x: grid.centerX(column: c), y: y, workspace: &ws)
                let k = r * grid.columns + c
                pred[k] = Scalar(e.prediction)
                if vari != nil { vari![k] = Scalar(e.variance) }
                if exc != nil { exc![k] = Scalar(e.exceedance) }
            }
        }
        return RowBlock(firstRow: r0, rowCount: nr, columns: grid.columns, prediction: pred, variance: vari, exceedance: exc)
    }
}

/// Write-once result slots shared by the workers of one wave; each index is written by exactly
/// one worker and read only after `concurrentPerform` returns (which orders the accesses).
final class ResultSlots<T>: @unchecked Sendable {
    private var items: [T?]
    init(count: Int) { items = [T?](repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { items.withUnsafeMutableBufferPointer { $0[i] = v } }
    func take(_ i: Int) -> T { let v = items[i]!; items[i] = nil; return v }
}

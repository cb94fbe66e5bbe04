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
    /// The rows are split into blocks of `blockRows`, shrinking towards the end of the grid (each
    /// block at most 1/(4·threads) of the rows still to go, so the workers finish together rather
    /// than one waiting for another's last large block). `threads` background workers compute
    /// blocks in row order (each worker with its own workspace, one row of cells per
    /// ``PointInterpolator/estimateRow(xs:y:into:workspace:)`` call) while finished blocks are
    /// handed to `sink` **on the caller's thread, in row order**; so writing overlaps with
    /// computing. At most `blocksInFlight` blocks are computed but not yet delivered (the
    /// workers wait for the sink), so a larger-than-memory grid can stream to a GeoTIFF.
    /// Every cell is computed by the same pure function of its coordinates, so results are
    /// bit-identical for any `threads` and `blockRows`.
    ///
    /// - Parameters:
    ///   - scalarType: `Float.self` or `Double.self`; computations are always in Double and rounded on output.
    ///   - threads: worker count ≥ 1 (default: active processor count).
    ///   - blockRows: rows per block ≥ 1.
    ///   - blocksInFlight: blocks computed ahead of the sink (default 2 × threads).
    ///   - window: the cells to compute (default: the whole grid). Cell centres are taken from
    ///     `grid`, so a window's values equal the whole grid's in those cells bit for bit (a tiled
    ///     run); blocks then count rows from the window's first row.
    ///   - mask: the cells of the window to compute (row-major, window size); the others are not
    ///     computed and come out NaN. Computed cells get the same bits as without a mask (each row's
    ///     runs of masked-in cells go to the interpolator as rows of their own). Nil computes all.
    /// - Throws: ``GeostatError/emptyGrid(columns:rows:)``, ``GeostatError/invalidParameter(name:value:expected:)``,
    ///   and whatever `sink` throws (then the workers stop after their current block and the
    ///   error is rethrown once they have finished).
    /// - Edge behaviour: cells outside every search radius (or with fewer than min-points) are NaN.
    public static func run<I: PointInterpolator, Scalar: BinaryFloatingPoint & Sendable>(
        _ interpolator: I, grid: GridSpec, as scalarType: Scalar.Type,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, blockRows: Int = 32, blocksInFlight: Int? = nil,
        window: GridWindow? = nil, mask: [Bool]? = nil, sink: (RowBlock<Scalar>) throws -> Void
    ) throws {
        let window = window ?? GridWindow(grid: grid)
        precondition(mask == nil || mask!.count == window.cellCount, "GridInterpolation: the mask must have one entry per cell of the window")
        guard window.columns > 0, window.rows > 0 else { throw GeostatError.emptyGrid(columns: window.columns, rows: window.rows) }
        precondition(window.firstRow >= 0 && window.firstColumn >= 0 && window.endRow <= grid.rows && window.endColumn <= grid.columns,
                     "GridInterpolation: \(window) outside the grid")
        guard threads >= 1 else { throw GeostatError.invalidParameter(name: "threads", value: Double(threads), expected: "≥ 1") }
        guard blockRows >= 1 else { throw GeostatError.invalidParameter(name: "blockRows", value: Double(blockRows), expected: "≥ 1") }
        let inFlight = max(blocksInFlight ?? 2 * threads, 1)
        let starts = blockStarts(rows: window.rows, blockRows: blockRows, threads: threads)
        let nBlocks = starts.count - 1
        let outs = interpolator.outputs
        let pipe = BlockPipeline<RowBlock<Scalar>>(count: nBlocks, window: inFlight)
        let xs = (window.firstColumn..<window.endColumn).map { grid.centerX(column: $0) }
        let group = DispatchGroup()
        for _ in 0..<min(threads, nBlocks) {
            DispatchQueue.global().async(group: group) {
                var ws = interpolator.makeWorkspace()
                var row = [Estimate](repeating: .missing, count: window.columns)
                while let b = pipe.claim() {
                    var block = computeBlock(interpolator, grid: grid, xs: xs, firstRow: window.firstRow + starts[b],
                                             rowCount: starts[b + 1] - starts[b],
                                             outputs: outs, workspace: &ws, row: &row, as: Scalar.self,
                                             mask: mask.map { ($0, (starts[b]) * window.columns) })
                    block.firstRow -= window.firstRow
                    pipe.put(b, block)
                }
            }
        }
        do {
            for b in 0..<nBlocks { try sink(pipe.take(b)) }
        } catch {
            pipe.cancel()
            group.wait()
            throw error
        }
        group.wait()
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

    /// First rows of the blocks, then `rows`: blocks of `blockRows` while more than
    /// 4·threads·blockRows rows remain, then each a quarter-per-thread of the rest (at least one row).
    static func blockStarts(rows: Int, blockRows: Int, threads: Int) -> [Int] {
        var starts = [0]
        var r = 0
        while r < rows {
            let size = max(1, min(blockRows, (rows - r) / (4 * max(threads, 1))))
            r = min(rows, r + size)
            starts.append(r)
        }
        return starts
    }

    static func computeBlock<I: PointInterpolator, Scalar: BinaryFloatingPoint>(
        _ interp: I, grid: GridSpec, xs: [Double], firstRow r0: Int, rowCount nr: Int, outputs: InterpolatorOutputs,
        workspace ws: inout I.Workspace, row: inout [Estimate], as: Scalar.Type, mask: ([Bool], Int)? = nil
    ) -> RowBlock<Scalar> {
        let nc = xs.count
        let n = nr * nc
        var pred: [Scalar] = zeros(n)
        var vari: [Scalar]? = outputs.variance ? zeros(n) : nil
        var exc: [Scalar]? = outputs.exceedance ? zeros(n) : nil
        xs.withUnsafeBufferPointer { xb in
            row.withUnsafeMutableBufferPointer { eb in
                for r in 0..<nr {
                    let y = grid.centerY(row: r0 + r)
                    if let (m, first) = mask {
                        // Runs of masked-in cells, each as a row of its own; the rest missing.
                        m.withUnsafeBufferPointer { mb in
                            let keep = mb.baseAddress! + first + r * nc
                            var c = 0
                            while c < nc {
                                guard keep[c] else { eb[c] = .missing; c += 1; continue }
                                var e = c + 1
                                while e < nc && keep[e] { e += 1 }
                                interp.estimateRow(xs: UnsafeBufferPointer(rebasing: xb[c..<e]), y: y,
                                                   into: UnsafeMutableBufferPointer(rebasing: eb[c..<e]), workspace: &ws)
                                c = e
                            }
                        }
                    } else {
                        interp.estimateRow(xs: xb, y: y, into: eb, workspace: &ws)
                    }
                    let k0 = r * nc
                    store(&pred, k0, eb, 0)
                    if vari != nil { store(&vari!, k0, eb, 1) }
                    if exc != nil { store(&exc!, k0, eb, 2) }
                }
            }
        }
        return RowBlock(firstRow: r0, rowCount: nr, columns: nc, prediction: pred, variance: vari, exceedance: exc)
    }

    /// `n` zeros, written as zero bytes (+0 in every IEEE-754 type) rather than element by element
    /// through the unspecialised generic code.
    static func zeros<Scalar: BinaryFloatingPoint>(_ n: Int) -> [Scalar] {
        [Scalar](unsafeUninitializedCapacity: n) { b, count in
            UnsafeMutableRawBufferPointer(b).initializeMemory(as: UInt8.self, repeating: 0)
            count = n
        }
    }

    /// dst[k0 + c] = Scalar(field of row[c]) (0 prediction, 1 variance, 2 exceedance), with concrete
    /// (non-generic) conversions for Float and Double.
    @inline(__always)
    static func store<Scalar: BinaryFloatingPoint>(_ dst: inout [Scalar], _ k0: Int, _ row: UnsafeMutableBufferPointer<Estimate>,
                                                   _ field: Int) {
        let nc = row.count
        @inline(__always) func value(_ c: Int) -> Double {
            field == 0 ? row[c].prediction : field == 1 ? row[c].variance : row[c].exceedance
        }
        dst.withUnsafeMutableBufferPointer { db in
            let raw = UnsafeMutableRawPointer(db.baseAddress! + k0)
            if Scalar.self == Float.self {
                let f = raw.assumingMemoryBound(to: Float.self)
                for c in 0..<nc { f[c] = Float(value(c)) }
            } else if Scalar.self == Double.self {
                let d = raw.assumingMemoryBound(to: Double.self)
                for c in 0..<nc { d[c] = value(c) }
            } else {
                for c in 0..<nc { db[k0 + c] = Scalar(value(c)) }
            }
        }
    }
}

/// Hands blocks from the workers to the caller in order, with at most `window` blocks claimed
/// but not yet taken. Workers claim block indices in increasing order.
final class BlockPipeline<T>: @unchecked Sendable {
    private let cond = NSCondition()
    private var slots: [T?]
    private var nextClaim = 0
    private var taken = 0
    private var cancelled = false
    private let count: Int, window: Int

    init(count: Int, window: Int) {
        self.count = count
        self.window = window
        slots = [T?](repeating: nil, count: count)
    }

    /// The next block to compute, or nil when all are claimed or the run was cancelled.
    func claim() -> Int? {
        cond.lock(); defer { cond.unlock() }
        while !cancelled && nextClaim < count && nextClaim >= taken + window { cond.wait() }
        guard !cancelled, nextClaim < count else { return nil }
        nextClaim += 1
        return nextClaim - 1
    }

    func put(_ i: Int, _ v: T) {
        cond.lock()
        slots[i] = v
        cond.broadcast()
        cond.unlock()
    }

    /// Waits for block `i` (taken in order) and removes it.
    func take(_ i: Int) -> T {
        cond.lock(); defer { cond.unlock() }
        while slots[i] == nil { cond.wait() }
        let v = slots[i]!
        slots[i] = nil
        taken = i + 1
        cond.broadcast()
        return v
    }

    func cancel() {
        cond.lock()
        cancelled = true
        cond.broadcast()
        cond.unlock()
    }
}

/// Write-once result slots shared by the workers of one wave; each index is written by exactly
/// one worker and read only after `concurrentPerform` returns (which orders the accesses).
///
/// The slots are one fixed allocation, so workers write disjoint memory and nothing else. (An
/// array property here was a data race: every `set` was a mutating access to the array itself,
/// which could copy a buffer another worker was writing into, corrupting the heap; found by
/// ThreadSanitizer in the test suite, where runs of several projects overlap.)
final class ResultSlots<T>: @unchecked Sendable {
    private let items: UnsafeMutablePointer<T?>
    private let count: Int
    init(count: Int) {
        self.count = count
        items = .allocate(capacity: max(count, 1))
        items.initialize(repeating: nil, count: count)
    }
    deinit {
        items.deinitialize(count: count)
        items.deallocate()
    }
    func set(_ i: Int, _ v: T) {
        precondition(i >= 0 && i < count, "ResultSlots: slot \(i) outside 0..<\(count)")
        items[i] = v
    }
    func take(_ i: Int) -> T {
        precondition(i >= 0 && i < count, "ResultSlots: slot \(i) outside 0..<\(count)")
        let v = items[i]!
        items[i] = nil
        return v
    }
}

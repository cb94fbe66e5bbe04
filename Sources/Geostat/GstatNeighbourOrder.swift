import Synchronization

/// The order in which gstat's neighbourhood search hands out samples, used to decide near-ties in
/// local kriging the way gstat does.
///
/// gstat (`krige(..., nmax = k)`, Pebesma 2004) finds the k nearest observations with a bucket
/// quadtree searched best-first through an ordered queue. Two details of it decide *which* samples
/// it takes when distances (nearly) tie:
///
/// - a point's squared distance is stored as a C `float`, so squared distances that round to the
///   same float (≈ 6e-8 relative) are equal keys to gstat even when they differ in double precision;
/// - equal keys leave the queue in an order fixed by the tree and the queue discipline, not by the
///   sample index: the root box has its lower-left corner at the samples' minimum x and y and side
///   1.01 × the larger extent (a leaf root below 4 samples, an inner root otherwise); a leaf holds up
///   to 4 samples and is split into quadrants (x ≥ centre → east, y ≥ centre → north) when a fifth
///   arrives, unless that insertion has already split 10 times; samples are inserted in input order
///   and a split re-inserts a leaf's samples in their order. The queue holds boxes (key: squared
///   distance to the box, in double) and samples (key: their float squared distance); at equal
///   keys a sample goes before a box, a batch keeps its own order, and a newly queued element goes
///   before queued elements with the same key.
///
/// SoilMap's own rule is "the k smallest (d², sample index) in double precision". The two rules
/// give the same set unless the k-th and (k+1)-th squared distances round to the same float; only
/// then does ``OrdinaryKriging`` ask this type (samples on a regular survey grid make that common,
/// random layouts rare). Emulated from the behaviour documented in gstat's sources (nsearch.c,
/// pqueue.c, data.h: `float dist2`); no gstat code is used.
///
/// - Units: those of the coordinates (planar, the same space the kriging searches).
/// - Edge behaviour: `nil` for fewer than two samples or samples with no extent (gstat refuses
///   such a search too); a finite radius keeps samples whose float squared distance is ≤ r²,
///   as gstat does.
final class GstatNeighbourOrder: Sendable {
    private let x: [Double], y: [Double]
    private let x0: Double, y0: Double, size: Double
    /// The tree, built on the first query (most kriging runs on irregular samples never need it).
    private let built = Mutex<Tree?>(nil)

    /// Nodes: box lower-left corner and side; leaf flag; 4 children (-1: none); a leaf's samples.
    private struct Tree {
        var bx: [Double], by: [Double], side: [Double]
        var leaf: [Bool]
        var children: [Int32]
        var members: [[Int32]]
    }

    static let split = 4
    static let maxSplitDepth = 11

    init?(x: [Double], y: [Double]) {
        precondition(x.count == y.count)
        guard x.count >= 2 else { return nil }
        // The bounding box in one pass (a cross-validation builds one order per refit).
        var x0 = x[0], x1 = x[0], y0 = y[0], y1 = y[0]
        for k in 1..<x.count {
            let a = x[k], b = y[k]
            if a < x0 { x0 = a }
            if a > x1 { x1 = a }
            if b < y0 { y0 = b }
            if b > y1 { y1 = b }
        }
        let size = Swift.max(Swift.abs(x1 - x0), Swift.abs(y1 - y0)) * 1.01
        guard size > 0, size.isFinite else { return nil }
        self.x = x; self.y = y; self.x0 = x0; self.y0 = y0; self.size = size
    }

    private var tree: Tree {
        built.withLock { t in
            if let t { return t }
            var b = Builder(x: x, y: y)
            let root = b.node(x0, y0, size, leaf: x.count < Self.split)
            for i in 0..<x.count { b.push(Int32(i), from: root, depth: 0) }
            let made = Tree(bx: b.bx, by: b.by, side: b.side, leaf: b.leaf, children: b.children, members: b.members)
            t = made
            return made
        }
    }

    private struct Builder {
        let x: [Double], y: [Double]
        var bx: [Double] = [], by: [Double] = [], side: [Double] = [], leaf: [Bool] = []
        var children: [Int32] = [], members: [[Int32]] = []

        mutating func node(_ x0: Double, _ y0: Double, _ s: Double, leaf isLeaf: Bool) -> Int {
            bx.append(x0); by.append(y0); side.append(s); leaf.append(isLeaf)
            children.append(contentsOf: [-1, -1, -1, -1]); members.append([])
            return bx.count - 1
        }

        /// Inserts sample `p` below node `start` (gstat's recursion depth counts insertions, not levels).
        mutating func push(_ p: Int32, from start: Int, depth: Int) {
            let depth = depth + 1
            var cur = start
            while !leaf[cur] {
                let q = quadrant(Int(p), cur)
                let c = Int(children[4 * cur + q])
                if c >= 0 { cur = c; continue }
                let h = side[cur] / 2
                let n = node(bx[cur] + (q & 1 != 0 ? h : 0), by[cur] + (q & 2 != 0 ? h : 0), h, leaf: true)
                children[4 * cur + q] = Int32(n)
                cur = n
            }
            if members[cur].count == GstatNeighbourOrder.split && depth < GstatNeighbourOrder.maxSplitDepth {
                let old = members[cur]
                members[cur] = []
                leaf[cur] = false
                for q in old { push(q, from: cur, depth: depth) }
                push(p, from: cur, depth: depth)
                return
            }
            members[cur].append(p)
        }

        func quadrant(_ i: Int, _ n: Int) -> Int {
            let h = 0.5 * side[n]
            return (x[i] >= bx[n] + h ? 1 : 0) | (y[i] >= by[n] + h ? 2 : 0)
        }
    }

    private struct Entry {
        var key: Double
        var isNode: Bool
        var ref: Int32

        /// Queue order: key, then samples before boxes; otherwise equal.
        static func order(_ a: Entry, _ b: Entry) -> Int {
            if a.key < b.key { return -1 }
            if a.key > b.key { return 1 }
            if a.isNode != b.isNode { return a.isNode ? 1 : -1 }
            return 0
        }
    }

    /// Squared distance from (qx, qy) to node `n`'s box (0 inside).
    private static func boxDistance2(_ qx: Double, _ qy: Double, _ n: Int, _ t: Tree) -> Double {
        let bx = t.bx[n], by = t.by[n], side = t.side[n]
        var dx = 0.0, dy = 0.0
        if qx < bx { dx = bx - qx } else if qx > bx + side { dx = qx - (bx + side) }
        if qy < by { dy = by - qy } else if qy > by + side { dy = qy - (by + side) }
        return dx * dx + dy * dy
    }

    /// The first `k` samples gstat's search returns for target (qx, qy), in its order, stopping at
    /// the first sample whose float squared distance exceeds `radius`².
    func nearest(x qx: Double, y qy: Double, k: Int, radius: Double = .infinity) -> [Int32] {
        let r2 = radius.isFinite ? radius * radius : Double.infinity
        let t = tree
        var queue: [Entry] = [Entry(key: 0, isNode: true, ref: 0)]
        var head = 0
        var out: [Int32] = []
        out.reserveCapacity(k)
        var batch: [Entry] = []
        while out.count < k && head < queue.count {
            let e = queue[head]
            head += 1
            if !e.isNode {
                guard e.key <= r2 else { break }
                out.append(e.ref)
                continue
            }
            let n = Int(e.ref)
            batch.removeAll(keepingCapacity: true)
            if t.leaf[n] {
                for i in t.members[n] {
                    let dx = x[Int(i)] - qx, dy = y[Int(i)] - qy
                    batch.append(Entry(key: Double(Float(dx * dx + dy * dy)), isNode: false, ref: i))
                }
            } else {
                for q in 0..<4 where t.children[4 * n + q] >= 0 {
                    let c = Int(t.children[4 * n + q])
                    batch.append(Entry(key: Self.boxDistance2(qx, qy, c, t), isNode: true, ref: Int32(c)))
                }
            }
            guard !batch.isEmpty else { continue }
            // Stable sort of the batch (insertion sort: at most 4 boxes or a leaf's few samples).
            for a in 1..<batch.count {
                let v = batch[a]
                var b = a - 1
                while b >= 0 && Entry.order(batch[b], v) > 0 { batch[b + 1] = batch[b]; b -= 1 }
                batch[b + 1] = v
            }
            if head > 64 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            // Merge: an element goes before queued elements that are not smaller than it and after
            // the batch elements already placed.
            var pos = head
            for v in batch {
                while pos < queue.count && Entry.order(v, queue[pos]) > 0 { pos += 1 }
                queue.insert(v, at: pos)
                pos += 1
            }
        }
        return out
    }
}

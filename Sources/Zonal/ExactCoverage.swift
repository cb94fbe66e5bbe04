import GeoTypes

/// Exact polygon–cell coverage fractions, as exactextract computes them.
///
/// For each cell of the polygon's window the result is `area(polygon ∩ cell) / area(cell)`,
/// exact up to floating-point rounding — not a cell-centre rule.
///
/// ## Method
/// The signed area of a polygon inside a cell is a sum over its ring edges (Green's
/// theorem). Each edge is cut at row boundaries; inside one row strip, the piece adds to
/// each cell the signed area that lies between the piece and the cell's east side
/// (a trapezoid) and the full height of the piece to every cell further east. That second
/// part is stored once, as a difference, in the cell just east of the piece, so that a
/// running sum along each row turns the buffer into the coverage of every cell
/// (the accumulation scheme of outline rasterisers such as font-rs, used here in `Double`
/// for exact areas). Exterior rings add, holes subtract — whatever the rings' winding, which
/// is normalised from each ring's signed area. Parts of an edge west of the window act as
/// a vertical edge on the window's west side, parts east or outside the window's rows add
/// nothing, which clips the polygon to the grid exactly.
///
/// Cost: O(edges + crossed cells + window cells) per polygon, one allocation (the window).
///
/// - Units: fractions of a cell's area, in `[0, 1]`.
/// - Assumptions: planar coordinates in the grid's CRS; valid polygons (holes inside their
///   exterior, parts of a multipolygon not overlapping). Rings may be closed or open
///   (the closing edge is implied) and wound either way.
/// - Edge behaviour: vertices on cell boundaries, polygons larger than the grid and
///   polygons partly or wholly outside it are handled exactly (outside cells are dropped).
///   Degenerate rings (fewer than three distinct vertices, zero area) and non-finite
///   coordinates contribute nothing. Results within ``snapTolerance`` (1e-12) of 0 or 1 are
///   set to 0 or 1, which removes rounding residues; results are clamped to `[0, 1]`, so
///   overlapping multipolygon parts do not give more than a full cell.
///   Self-intersecting rings contribute their signed (winding-number) area.
/// - Example:
///   ```swift
///   let grid = try GridSpec(minX: 0, maxY: 3, cellWidth: 1, cellHeight: 1, columns: 3, rows: 3)
///   let square = Polygon(exterior: LinearRing(closing: [.init(0.5, 0.5), .init(1.5, 0.5),
///                                                      .init(1.5, 1.5), .init(0.5, 1.5)]))
///   let cov = ExactCoverage.coverage(of: square, on: grid)   // four cells of 0.25
///   ```
/// - References: D. Baston, exactextract, `raster_cell_intersection.cpp` (same quantity,
///   computed there by walking rings through cells); R. Levien, font-rs accumulation buffer.
public enum ExactCoverage {

    /// Coverage of one polygon (exterior minus holes).
    public static func coverage(of polygon: Polygon, on grid: GridSpec) -> CoverageWindow {
        coverage(of: CollectionOfOne(polygon), on: grid)
    }

    /// Coverage of a multipolygon, as one area.
    public static func coverage(of multiPolygon: MultiPolygon, on grid: GridSpec) -> CoverageWindow {
        coverage(of: multiPolygon.polygons, on: grid)
    }

    /// Coverage of the polygonal parts of a geometry (points and lines give an empty window).
    public static func coverage(of geometry: Geometry, on grid: GridSpec) -> CoverageWindow {
        coverage(of: geometry.polygons, on: grid)
    }

    /// Coverage of a set of non-overlapping polygons, as one area.
    public static func coverage<C: Collection>(of polygons: C, on grid: GridSpec) -> CoverageWindow
    where C.Element == Polygon {
        let window = self.window(of: polygons, on: grid)
        guard !window.isEmpty else { return .empty }
        let w = window.columns, h = window.rows
        let stride = w + 1
        // One buffer of rows × (columns + 1): the extra column takes the spill east of the window.
        var buffer = [Double](repeating: 0, count: h * stride)
        let sx = 1 / grid.cellWidth, sy = 1 / grid.cellHeight
        let ox = grid.minX + Double(window.firstColumn) * grid.cellWidth
        let oy = grid.maxY - Double(window.firstRow) * grid.cellHeight
        buffer.withUnsafeMutableBufferPointer { acc in
            for polygon in polygons {
                var first = true
                for ring in CollectionOfOne(polygon.exterior) + polygon.holes {
                    defer { first = false }
                    let a = ring.signedArea
                    guard a != 0, a.isFinite else { continue }
                    // Exterior counts positive, holes negative, whatever the winding.
                    let sign: Double = (a > 0) == first ? 1 : -1
                    accumulateRing(ring.coordinates, sign: sign, ox: ox, oy: oy, sx: sx, sy: sy,
                                   columns: w, rows: h, acc: acc.baseAddress!)
                }
            }
            // Running sum along each row; compact from stride w+1 to w in place.
            let p = acc.baseAddress!
            let snap = snapTolerance
            for r in 0..<h {
                var running = 0.0
                let src = p + r * stride, dst = p + r * w
                for c in 0..<w {
                    running += src[c]
                    dst[c] = running < snap ? 0 : (running > 1 - snap ? 1 : running)
                }
            }
        }
        buffer.removeLast(h)
        return CoverageWindow(window: window, fractions: buffer)
    }

    /// The cells of the polygons' bounding box, clipped to the grid; empty when they miss it.
    public static func window<C: Collection>(of polygons: C, on grid: GridSpec) -> GridWindow
    where C.Element == Polygon {
        var minX = Double.infinity, maxX = -Double.infinity
        var minY = Double.infinity, maxY = -Double.infinity
        for p in polygons {
            for c in p.exterior.coordinates where c.isFinite {
                if c.x < minX { minX = c.x }
                if c.x > maxX { maxX = c.x }
                if c.y < minY { minY = c.y }
                if c.y > maxY { maxY = c.y }
            }
        }
        guard minX <= maxX, minY <= maxY else { return .empty }
        func clampIndex(_ v: Double, _ n: Int) -> Int {
            if !(v > 0) { return 0 }
            if v >= Double(n) { return n }
            return Int(v)
        }
        let c0 = clampIndex(((minX - grid.minX) / grid.cellWidth).rounded(.down), grid.columns)
        let c1 = clampIndex(((maxX - grid.minX) / grid.cellWidth).rounded(.up), grid.columns)
        let r0 = clampIndex(((grid.maxY - maxY) / grid.cellHeight).rounded(.down), grid.rows)
        let r1 = clampIndex(((grid.maxY - minY) / grid.cellHeight).rounded(.up), grid.rows)
        guard c1 > c0, r1 > r0 else { return .empty }
        return GridWindow(firstRow: r0, firstColumn: c0, rows: r1 - r0, columns: c1 - c0)
    }

    /// Fractions closer than this to 0 or 1 are set to exactly 0 or 1.
    ///
    /// The running sums leave rounding residues of order 1e-16 × (pieces in the row) in
    /// cells the polygon does not touch (east of it, or inside a hole) and in fully covered
    /// cells; without the snap such a cell would count as covered (for `min`, `max` and the
    /// classes present). 1e-12 of a cell is 4e-10 m² for 20 m cells.
    public static let snapTolerance = 1e-12

    // MARK: - Kernel

    /// Adds one ring's signed contributions to the accumulation buffer.
    ///
    /// Window coordinates: `u` east in cells from the window's west edge, `v` south in
    /// cells from its north edge. A counter-clockwise ring (positive signed area in x/y)
    /// with `sign` +1 yields positive coverage.
    @usableFromInline
    static func accumulateRing(_ coords: [Coordinate], sign: Double,
                               ox: Double, oy: Double, sx: Double, sy: Double,
                               columns w: Int, rows h: Int, acc: UnsafeMutablePointer<Double>) {
        let n = coords.count
        guard n >= 3 else { return }
        let closed = coords[0] == coords[n - 1]
        let edgeCount = closed ? n - 1 : n
        let H = Double(h)
        var pu = (coords[0].x - ox) * sx, pv = (oy - coords[0].y) * sy
        for i in 1...edgeCount {
            let q = coords[i == n ? 0 : i]
            let qu = (q.x - ox) * sx, qv = (oy - q.y) * sy
            defer { pu = qu; pv = qv }
            guard pv != qv, pu.isFinite, pv.isFinite, qu.isFinite, qv.isFinite else { continue }
            let vlo = Swift.min(pv, qv), vhi = Swift.max(pv, qv)
            guard vhi > 0, vlo < H else { continue }
            let down: Double = qv > pv ? sign : -sign
            // x as a function of v along the edge.
            let dudv = (qu - pu) / (qv - pv)
            @inline(__always) func u(at v: Double) -> Double {
                if v == pv { return pu }
                if v == qv { return qu }
                return pu + (v - pv) * dudv
            }
            let rFirst = vlo <= 0 ? 0 : Int(vlo)
            let rEnd = vhi >= H ? h : Int(vhi.rounded(.up))
            var r = rFirst
            while r < rEnd {
                let top = Swift.max(vlo, Double(r)), bottom = Swift.min(vhi, Double(r + 1))
                if bottom > top {
                    depositPiece(u(at: top), u(at: bottom), height: (bottom - top) * down,
                                 columns: w, row: acc + r * (w + 1))
                }
                r += 1
            }
        }
    }

    /// Adds a straight piece lying within one row strip: to each cell it crosses, the area
    /// between the piece and the cell's east side; to the cell east of that, the rest of
    /// `height`, so a running sum gives `height` to every cell further east.
    @usableFromInline @inline(__always)
    static func depositPiece(_ ua: Double, _ ub: Double, height: Double, columns w: Int,
                             row: UnsafeMutablePointer<Double>) {
        let W = Double(w)
        if ua == ub {
            depositVertical(ua, height: height, columns: w, row: row)
            return
        }
        let lo = Swift.min(ua, ub), hi = Swift.max(ua, ub)
        let perU = height / (hi - lo)
        // West of the window: equivalent to a vertical piece on its west side.
        if lo < 0 {
            row[0] += perU * (Swift.min(hi, 0) - lo)
        }
        let a = Swift.max(lo, 0), b = Swift.min(hi, W)
        guard b > a else { return }
        var c = Int(a)
        while Double(c) < b && c < w {
            let s = Swift.max(a, Double(c)), e = Swift.min(b, Double(c + 1))
            if e > s {
                let hk = perU * (e - s)
                let area = hk * (Double(c + 1) - 0.5 * (s + e))
                row[c] += area
                row[c + 1] += hk - area
            }
            c += 1
        }
    }

    @usableFromInline @inline(__always)
    static func depositVertical(_ u: Double, height: Double, columns w: Int, row: UnsafeMutablePointer<Double>) {
        if u <= 0 {
            row[0] += height
            return
        }
        guard u < Double(w) else { return }
        let c = Int(u)
        let area = height * (Double(c + 1) - u)
        row[c] += area
        row[c + 1] += height - area
    }
}

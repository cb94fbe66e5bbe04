import Foundation
import GeoTypes
import Testing
@testable import Zonal

// MARK: - Geometry helpers

func ring(_ pts: [(Double, Double)]) -> LinearRing {
    LinearRing(closing: pts.map { Coordinate($0.0, $0.1) })
}

func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> LinearRing {
    ring([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
}

func grid(minX: Double = 0, maxY: Double, cell: Double, columns: Int, rows: Int) -> GridSpec {
    try! GridSpec(minX: minX, maxY: maxY, cellWidth: cell, cellHeight: cell, columns: columns, rows: rows)
}

/// A random star-shaped (hence simple) polygon, counter-clockwise, optionally with a hole.
func randomStar(_ rng: inout SplitMix64, center: Coordinate, radius: Double, vertices: Int, hole: Bool) -> Polygon {
    func star(_ r0: Double, _ r1: Double, _ n: Int) -> [Coordinate] {
        // Jittered, evenly spaced angles: simple, and containing a disc of ~0.37 · r1 when n ≥ 8.
        let angles = (0..<n).map { k in (Double(k) + Double.random(in: 0..<0.9, using: &rng)) * 2 * .pi / Double(n) }
        return angles.map { a in
            let r = Double.random(in: r0...r1, using: &rng)
            return Coordinate(center.x + r * cos(a), center.y + r * sin(a))
        }
    }
    let ext = LinearRing(closing: star(0.5 * radius, radius, vertices))
    let holes = hole && vertices >= 8 ? [LinearRing(closing: star(0.1 * radius, 0.3 * radius, 6).reversed())] : []
    return Polygon(exterior: ext, holes: holes)
}

/// Seeded generator (SplitMix64) so property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Relative closeness: |a − b| ≤ tol · max(|a|, |b|), or both within `absolute` of each other.
func isClose(_ a: Double, _ b: Double, relative: Double, absolute: Double = 0) -> Bool {
    abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}

// MARK: - WKT (POLYGON / MULTIPOLYGON only; enough for the fixtures)

enum WKT {
    static func parse(_ s: String) -> [Polygon] {
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.uppercased().hasPrefix("MULTIPOLYGON") {
            let body = t.dropFirst("MULTIPOLYGON".count)
            return splitTopLevel(strip(String(body))).map(polygon)
        } else if t.uppercased().hasPrefix("POLYGON") {
            return [polygon(String(t.dropFirst("POLYGON".count)))]
        }
        fatalError("unsupported WKT: \(s.prefix(40))")
    }

    private static func strip(_ s: String) -> String {
        var t = s.trimmingCharacters(in: .whitespaces)
        precondition(t.first == "(" && t.last == ")")
        t.removeFirst(); t.removeLast()
        return t
    }

    /// Splits "(...), (...)" at depth-0 commas.
    private static func splitTopLevel(_ s: String) -> [String] {
        var parts: [String] = [], depth = 0, cur = ""
        for ch in s {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 { parts.append(cur); cur = "" } else { cur.append(ch) }
        }
        if !cur.trimmingCharacters(in: .whitespaces).isEmpty { parts.append(cur) }
        return parts
    }

    private static func polygon(_ s: String) -> Polygon {
        let rings = splitTopLevel(strip(s)).map { r -> LinearRing in
            LinearRing(strip(r).split(separator: ",").map { pair in
                let xy = pair.split(separator: " ").map { Double($0)! }
                return Coordinate(xy[0], xy[1])
            })
        }
        return Polygon(exterior: rings[0], holes: Array(rings.dropFirst()))
    }
}

// MARK: - Fixtures

enum Fixtures {
    static func text(_ name: String) -> String {
        let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!
        return try! String(contentsOf: url, encoding: .utf8)
    }

    static func csv(_ name: String) -> [[String]] {
        text(name).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// A grid and its row-major values from the plain-text raster format.
    static func raster<V>(_ name: String, parse: (Substring) -> V) -> (GridSpec, RasterWindow<V>, V) {
        let lines = text(name).split(separator: "\n")
        let h = lines[0].split(separator: " ")
        let g = try! GridSpec(minX: Double(h[2])!, maxY: Double(h[3])!, cellWidth: Double(h[4])!,
                              cellHeight: Double(h[5])!, columns: Int(h[0])!, rows: Int(h[1])!)
        let values = lines.dropFirst().flatMap { $0.split(separator: " ").map(parse) }
        return (g, RasterWindow(window: GridWindow(grid: g), values: values), parse(h[6]))
    }

    static let zones: [(id: Int, polygons: [Polygon])] = text("zones.wkt").split(separator: "\n").map { line in
        let parts = line.split(separator: "\t", maxSplits: 1)
        return (Int(parts[0])!, WKT.parse(String(parts[1])))
    }
}

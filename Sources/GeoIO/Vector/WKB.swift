// Decoding and encoding of ISO well-known binary (little endian), the exchange form
// between OGR geometries and SoilMap's Swift values. Z and M ordinates are dropped.

enum WKBError: Error { case truncated, unsupportedType(UInt32) }

struct WKBReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private mutating func uint32(_ littleEndian: Bool) throws(WKBError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw .truncated }
        var v: UInt32 = 0
        withUnsafeMutableBytes(of: &v) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 4])) }
        offset += 4
        return littleEndian ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
    }

    private mutating func double(_ littleEndian: Bool) throws(WKBError) -> Double {
        guard offset + 8 <= bytes.count else { throw .truncated }
        var v: UInt64 = 0
        withUnsafeMutableBytes(of: &v) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 8])) }
        offset += 8
        return Double(bitPattern: littleEndian ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
    }

    private mutating func points(_ le: Bool, dims: Int) throws(WKBError) -> [Coordinate] {
        let n = Int(try uint32(le))
        guard n <= (bytes.count - offset) / (8 * dims) else { throw .truncated }
        var out = [Coordinate]()
        out.reserveCapacity(n)
        for _ in 0..<n {
            let x = try double(le), y = try double(le)
            for _ in 2..<dims { _ = try double(le) }
            out.append(Coordinate(x: x, y: y))
        }
        return out
    }

    mutating func geometry() throws(WKBError) -> Geometry {
        guard offset < bytes.count else { throw .truncated }
        let le = bytes[offset] == 1
        offset += 1
        let raw = try uint32(le)
        let base = raw % 1000
        let dims: Int
        switch raw / 1000 {
        case 1, 2: dims = 3
        case 3: dims = 4
        default: dims = 2
        }
        switch base {
        case 1:
            let x = try double(le), y = try double(le)
            for _ in 2..<dims { _ = try double(le) }
            return .point(Coordinate(x: x, y: y))
        case 2:
            return .lineString(LineString(try points(le, dims: dims)))
        case 3:
            return .polygon(try polygonBody(le, dims: dims))
        case 4, 5, 6, 7:
            let n = Int(try uint32(le))
            var parts: [Geometry] = []
            for _ in 0..<n { parts.append(try geometry()) }
            switch base {
            case 4: return .multiPoint(parts.compactMap(\.point))
            case 5: return .multiLineString(parts.compactMap { if case .lineString(let l) = $0 { return l } else { return nil } })
            case 6: return .multiPolygon(MultiPolygon(parts.flatMap(\.polygons)))
            default: return .collection(parts)
            }
        default:
            throw .unsupportedType(raw)
        }
    }

    private mutating func polygonBody(_ le: Bool, dims: Int) throws(WKBError) -> Polygon {
        let nRings = Int(try uint32(le))
        var rings: [LinearRing] = []
        for _ in 0..<nRings { rings.append(LinearRing(try points(le, dims: dims))) }
        guard let ext = rings.first else { return Polygon(exterior: LinearRing([])) }
        return Polygon(exterior: ext, holes: Array(rings.dropFirst()))
    }
}

/// Encodes a geometry as 2-D little-endian ISO WKB.
struct WKBWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    private mutating func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    private mutating func header(_ type: UInt32) { bytes.append(1); u32(type) }
    private mutating func coords(_ cs: [Coordinate]) {
        u32(UInt32(cs.count))
        for c in cs { f64(c.x); f64(c.y) }
    }
    private mutating func polygon(_ p: Polygon) {
        header(3)
        let rings = p.exterior.coordinates.isEmpty ? [] : p.rings
        u32(UInt32(rings.count))
        for r in rings { coords(r.coordinates) }
    }

    mutating func write(_ g: Geometry) {
        switch g {
        case .point(let c): header(1); f64(c.x); f64(c.y)
        case .lineString(let l): header(2); coords(l.coordinates)
        case .polygon(let p): polygon(p)
        case .multiPoint(let cs):
            header(4); u32(UInt32(cs.count))
            for c in cs { header(1); f64(c.x); f64(c.y) }
        case .multiLineString(let ls):
            header(5); u32(UInt32(ls.count))
            for l in ls { header(2); coords(l.coordinates) }
        case .multiPolygon(let m):
            header(6); u32(UInt32(m.polygons.count))
            for p in m.polygons { polygon(p) }
        case .collection(let gs):
            header(7); u32(UInt32(gs.count))
            for g in gs { write(g) }
        }
    }
}

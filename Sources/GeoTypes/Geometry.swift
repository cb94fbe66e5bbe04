/// A connected sequence of coordinates.
public struct LineString: Hashable, Sendable {
    public var coordinates: [Coordinate]
    public init(_ coordinates: [Coordinate]) { self.coordinates = coordinates }
}

/// A closed ring: the first and last coordinates are equal.
///
/// Rings read by GeoIO are closed as stored; ``LinearRing/init(closing:)``
/// closes an open coordinate list.
public struct LinearRing: Hashable, Sendable {
    public var coordinates: [Coordinate]

    /// Wraps coordinates that are already closed (or empty).
    public init(_ coordinates: [Coordinate]) { self.coordinates = coordinates }

    /// Wraps coordinates, appending the first one at the end when the ring is open.
    public init(closing coordinates: [Coordinate]) {
        var c = coordinates
        if let first = c.first, c.last != first { c.append(first) }
        self.coordinates = c
    }

    /// Whether the ring has at least four coordinates and ends where it starts.
    public var isClosed: Bool {
        coordinates.count >= 4 && coordinates.first == coordinates.last
    }
}

/// A polygon: one exterior ring and any number of holes.
///
/// No winding order is assumed: area functions use the absolute value of each
/// ring's signed area, subtracting holes from the exterior.
public struct Polygon: Hashable, Sendable {
    public var exterior: LinearRing
    public var holes: [LinearRing]

    public init(exterior: LinearRing, holes: [LinearRing] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    /// All rings, exterior first.
    public var rings: [LinearRing] { [exterior] + holes }
}

/// A collection of polygons, treated as one area.
public struct MultiPolygon: Hashable, Sendable {
    public var polygons: [Polygon]
    public init(_ polygons: [Polygon]) { self.polygons = polygons }
}

/// Any geometry SoilMap reads or writes, decoded into Swift values.
public indirect enum Geometry: Hashable, Sendable {
    case point(Coordinate)
    case multiPoint([Coordinate])
    case lineString(LineString)
    case multiLineString([LineString])
    case polygon(Polygon)
    case multiPolygon(MultiPolygon)
    case collection([Geometry])

    /// The polygons of a polygon, multipolygon or collection (flattened); empty for other kinds.
    public var polygons: [Polygon] {
        switch self {
        case .polygon(let p): return [p]
        case .multiPolygon(let m): return m.polygons
        case .collection(let g): return g.flatMap(\.polygons)
        default: return []
        }
    }

    /// The point of a `.point` geometry, else `nil`.
    public var point: Coordinate? {
        if case .point(let c) = self { return c }
        return nil
    }

    /// Every coordinate of the geometry in storage order.
    public var allCoordinates: [Coordinate] {
        switch self {
        case .point(let c): return [c]
        case .multiPoint(let cs): return cs
        case .lineString(let l): return l.coordinates
        case .multiLineString(let ls): return ls.flatMap(\.coordinates)
        case .polygon(let p): return p.rings.flatMap(\.coordinates)
        case .multiPolygon(let m): return m.polygons.flatMap { $0.rings.flatMap(\.coordinates) }
        case .collection(let g): return g.flatMap(\.allCoordinates)
        }
    }

    /// The bounding box, or `nil` for an empty geometry.
    public var extent: Extent? { Extent(enclosing: allCoordinates) }

    /// Applies `transform` to every coordinate, keeping the structure.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) rethrows -> Geometry {
        func ring(_ r: LinearRing) throws -> LinearRing { LinearRing(try r.coordinates.map(transform)) }
        func poly(_ p: Polygon) throws -> Polygon {
            Polygon(exterior: try ring(p.exterior), holes: try p.holes.map(ring))
        }
        switch self {
        case .point(let c): return .point(try transform(c))
        case .multiPoint(let cs): return .multiPoint(try cs.map(transform))
        case .lineString(let l): return .lineString(LineString(try l.coordinates.map(transform)))
        case .multiLineString(let ls):
            return .multiLineString(try ls.map { LineString(try $0.coordinates.map(transform)) })
        case .polygon(let p): return .polygon(try poly(p))
        case .multiPolygon(let m): return .multiPolygon(MultiPolygon(try m.polygons.map(poly)))
        case .collection(let g): return .collection(try g.map { try $0.mapCoordinates(transform) })
        }
    }
}

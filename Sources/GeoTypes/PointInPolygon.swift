extension LinearRing {
    /// Whether `c` is inside the ring by the even–odd (crossing-number) rule; points exactly
    /// on an edge may fall either way.
    public func contains(_ c: Coordinate) -> Bool {
        let p = coordinates
        guard p.count >= 3 else { return false }
        var inside = false
        var j = p.count - 1
        for i in 0..<p.count {
            let a = p[i], b = p[j]
            if (a.y > c.y) != (b.y > c.y) {
                let x = a.x + (c.y - a.y) / (b.y - a.y) * (b.x - a.x)
                if c.x < x { inside.toggle() }
            }
            j = i
        }
        return inside
    }
}

extension Polygon {
    /// Whether `c` is inside the exterior ring and outside every hole.
    public func contains(_ c: Coordinate) -> Bool {
        exterior.contains(c) && !holes.contains { $0.contains(c) }
    }
}

extension Geometry {
    /// Whether `c` is inside any polygonal part.
    public func contains(_ c: Coordinate) -> Bool { polygons.contains { $0.contains(c) } }
}

import Foundation
import GeoIO
import Standards

extension MonitoringResult {
    /// One row per enterprise, ring, round and pollutant.
    public var statisticsTable: ResultTable {
        var t = ResultTable(fields: [
            FieldDefinition("enterprise_id", .string), FieldDefinition("enterprise_name", .string), FieldDefinition("ring", .string),
            FieldDefinition("inner_m", .real), FieldDefinition("outer_m", .real), FieldDefinition("ring_area_m2", .real),
            FieldDefinition("round", .string), FieldDefinition("pollutant", .string), FieldDefinition("samples", .integer),
            FieldDefinition("mean_mg_kg", .real), FieldDefinition("max_mg_kg", .real), FieldDefinition("p90_mg_kg", .real),
            FieldDefinition("over_screening", .integer), FieldDefinition("over_intervention", .integer),
            FieldDefinition("unclassified_no_ph", .integer), FieldDefinition("area_share_over_screening", .real), FieldDefinition("area_share_over_intervention", .real),
        ])
        func num(_ d: Double?) -> AttributeValue { d.map { .real($0) } ?? .null }
        for ring in rings {
            for (ri, round) in rounds.enumerated() {
                for (k, p) in pollutants.enumerated() {
                    let s = ring.stats[ri][k]
                    t.rows.append([.string(ring.enterpriseId), .string(ring.enterpriseName), .string(ring.label), .real(ring.inner),
                                   .real(ring.outer), .real(ring.area), .string(round), .string(p), .integer(Int64(s.samples)),
                                   num(s.mean), num(s.max), num(s.p90), .integer(Int64(s.overScreening)), .integer(Int64(s.overIntervention)),
                                   .integer(Int64(s.unclassified)), num(ring.shareOverScreening[k]), num(ring.shareOverIntervention[k])])
                }
            }
        }
        return t
    }

    /// Changes between consecutive rounds: per enterprise, ring and pollutant, the mean and
    /// maximum of each round and the change of the mean (absolute and in %), where both
    /// rounds have samples in the ring.
    public var changesTable: ResultTable {
        var t = ResultTable(fields: [
            FieldDefinition("enterprise_id", .string), FieldDefinition("ring", .string), FieldDefinition("pollutant", .string),
            FieldDefinition("round_from", .string), FieldDefinition("round_to", .string), FieldDefinition("samples_from", .integer),
            FieldDefinition("samples_to", .integer), FieldDefinition("mean_from_mg_kg", .real), FieldDefinition("mean_to_mg_kg", .real),
            FieldDefinition("mean_change_mg_kg", .real), FieldDefinition("mean_change_pct", .real),
            FieldDefinition("max_from_mg_kg", .real), FieldDefinition("max_to_mg_kg", .real),
            FieldDefinition("over_screening_from", .integer), FieldDefinition("over_screening_to", .integer),
        ])
        guard rounds.count >= 2 else { return t }
        for ring in rings {
            for (k, p) in pollutants.enumerated() {
                for r in 1..<rounds.count {
                    let a = ring.stats[r - 1][k], b = ring.stats[r][k]
                    guard let ma = a.mean, let mb = b.mean else { continue }
                    t.rows.append([.string(ring.enterpriseId), .string(ring.label), .string(p), .string(rounds[r - 1]), .string(rounds[r]),
                                   .integer(Int64(a.samples)), .integer(Int64(b.samples)), .real(ma), .real(mb), .real(mb - ma),
                                   ma != 0 ? .real((mb - ma) / ma * 100) : .null, a.max.map { .real($0) } ?? .null,
                                   b.max.map { .real($0) } ?? .null, .integer(Int64(a.overScreening)), .integer(Int64(b.overScreening))])
                }
            }
        }
        return t
    }

    /// Writes the rings with the latest round's statistics to a GeoPackage layer styled for
    /// QGIS by the worst class of their samples.
    public func writeGeoPackage(to path: String, layerName: String = "rings") throws {
        let w = try VectorWriter(path: path, format: .geoPackage)
        var fields = [FieldDefinition("enterprise_id", .string), FieldDefinition("enterprise_name", .string), FieldDefinition("ring", .string),
                      FieldDefinition("inner_m", .real), FieldDefinition("outer_m", .real), FieldDefinition("area_m2", .real),
                      FieldDefinition("round", .string), FieldDefinition("sm_class", .integer), FieldDefinition("sm_class_name", .string)]
        for p in pollutants {
            fields += ["n", "mean", "max", "p90", "over_screening", "over_intervention", "share_over_screening"].map {
                FieldDefinition("sm_\($0)_\(p)", $0 == "n" || $0.hasPrefix("over") ? .integer : .real)
            }
        }
        let l = try w.createLayer(name: layerName, geometryType: .multiPolygon, crs: crs, fields: fields)
        let last = rounds.count - 1
        try l.inTransaction {
            for ring in rings {
                let cls = ring.worstClass(round: last)
                var v: [AttributeValue] = [.string(ring.enterpriseId), .string(ring.enterpriseName), .string(ring.label), .real(ring.inner),
                                           .real(ring.outer), .real(ring.area), .string(rounds[last]), .integer(Int64(cls.rawValue)),
                                           .string(cls.label(standardKind))]
                for k in pollutants.indices {
                    let s = ring.stats[last][k]
                    v += [.integer(Int64(s.samples)), s.mean.map { .real($0) } ?? .null, s.max.map { .real($0) } ?? .null,
                          s.p90.map { .real($0) } ?? .null, .integer(Int64(s.overScreening)), .integer(Int64(s.overIntervention)),
                          ring.shareOverScreening[k].map { .real($0) } ?? .null]
                }
                try l.append(geometry: .multiPolygon(MultiPolygon(ring.geometry.polygons)), values: v)
            }
        }
        try w.executeSQLStatements(QGISStyle.layerStylesSQL(layer: layerName, field: "sm_class", standard: standardKind))
        try w.close()
    }

    /// A self-contained HTML page (no URL of any kind): ``sectionHTML(heading:)`` under a title.
    public func reportHTML(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>\(xmlEscape(title))</title>
        <style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}th{background:#eee}</style>
        </head><body>
        <h1>\(xmlEscape(title))</h1>
        \(sectionHTML(heading: 2))</body></html>
        """
    }

    /// The monitoring as HTML for a report: per enterprise a map of its rings coloured by the
    /// worst class of their samples in the latest round, with the samples and the enterprise,
    /// and the ring statistics; then the changes between rounds. Headings at level `heading`.
    func sectionHTML(heading: Int) -> String {
        var body = "<p>Standard: \(xmlEscape(standardName)). Rounds: \(xmlEscape(rounds.map { $0.isEmpty ? "(one)" : $0 }.joined(separator: ", "))). "
            + "Rings coloured by the worst class of their samples in the latest round; black dots are samples, the black mark the enterprise.</p>\n"
        let legend = SoilClass.legend(standardKind)
        body += "<p>" + legend.map { e in
            "<span style=\"display:inline-block;width:12px;height:12px;background:rgb(\(e.colour.red),\(e.colour.green),\(e.colour.blue))\"></span> \(xmlEscape(e.label))"
        }.joined(separator: " &nbsp; ") + "</p>\n"
        let last = rounds.count - 1
        for e in enterprises.indices {
            let mine = rings.filter { $0.enterprise == e }
            guard let first = mine.first else { continue }
            body += "<h\(heading)>\(xmlEscape(first.enterpriseId))\(first.enterpriseName.isEmpty ? "" : " " + xmlEscape(first.enterpriseName))</h\(heading)>\n"
            body += ringMapSVG(mine, enterprise: enterprises[e], round: last, legend: legend)
            body += "<table><tr><th>ring</th><th>area (ha)</th><th>pollutant</th><th>n</th><th>mean</th><th>max</th><th>P90</th><th>&gt; screening</th><th>&gt; intervention</th><th>area share &gt; screening</th></tr>\n"
            for ring in mine {
                for (k, p) in pollutants.enumerated() {
                    let s = ring.stats[last][k]
                    func f(_ d: Double?) -> String { d.map { String(format: "%.3g", $0) } ?? "–" }
                    body += "<tr><td>\(ring.label)</td><td>\(String(format: "%.2f", ring.area / 10_000))</td><td>\(xmlEscape(p))</td><td>\(s.samples)</td>"
                        + "<td>\(f(s.mean))</td><td>\(f(s.max))</td><td>\(f(s.p90))</td><td>\(s.overScreening)</td><td>\(s.overIntervention)</td>"
                        + "<td>\(ring.shareOverScreening[k].map { String(format: "%.1f %%", $0 * 100) } ?? "–")</td></tr>\n"
                }
            }
            body += "</table>\n"
        }
        let changes = changesTable
        if !changes.rows.isEmpty {
            body += "<h\(heading)>Changes between rounds</h\(heading)>\n<table><tr>" + ["enterprise", "ring", "pollutant", "from", "to", "mean from", "mean to", "change", "change %"].map { "<th>\($0)</th>" }.joined() + "</tr>\n"
            for r in changes.rows {
                let cells = [r[0].text, r[1].text, r[2].text, r[3].text, r[4].text] + [r[7], r[8], r[9], r[10]].map { v -> String in
                    if case .real(let d) = v { return String(format: "%.3g", d) } else { return "–" }
                }
                body += "<tr>" + cells.map { "<td>\(xmlEscape($0))</td>" }.joined() + "</tr>\n"
            }
            body += "</table>\n"
        }
        return body
    }

    /// An inline SVG map of one enterprise's rings, samples and site.
    func ringMapSVG(_ mine: [MonitorRing], enterprise: Geometry, round: Int, legend: [ClassLegendEntry]) -> String {
        let extents = mine.compactMap { $0.geometry.extent }
        guard var ext = extents.first else { return "" }
        for e in extents.dropFirst() { ext = ext.union(e) }
        let size = 420.0, scale = size / Swift.max(ext.maxX - ext.minX, ext.maxY - ext.minY)
        func px(_ c: Coordinate) -> String { String(format: "%.1f,%.1f", (c.x - ext.minX) * scale, (ext.maxY - c.y) * scale) }
        func path(_ g: Geometry) -> String {
            g.polygons.flatMap { p in ([p.exterior] + p.holes).map { r in "M" + r.coordinates.map(px).joined(separator: "L") + "Z" } }.joined()
        }
        var svg = "<svg width=\"\(Int(size))\" height=\"\(Int(size))\" viewBox=\"0 0 \(Int(size)) \(Int(size))\">"
        for ring in mine.reversed() {
            let c = legend.first { $0.code == ring.worstClass(round: round).rawValue }?.colour
            let fill = c.map { "rgb(\($0.red),\($0.green),\($0.blue))" } ?? "#ddd"
            svg += "<path d=\"\(path(ring.geometry))\" fill=\"\(fill)\" fill-opacity=\"0.6\" fill-rule=\"evenodd\" stroke=\"#555\" stroke-width=\"0.8\"><title>\(xmlEscape(ring.label))</title></path>"
        }
        if enterprise.polygons.isEmpty {
            for c in enterprise.allCoordinates { svg += "<rect x=\"\(String(format: "%.1f", (c.x - ext.minX) * scale - 4))\" y=\"\(String(format: "%.1f", (ext.maxY - c.y) * scale - 4))\" width=\"8\" height=\"8\" fill=\"#000\"/>" }
        } else {
            svg += "<path d=\"\(path(enterprise))\" fill=\"#000\" fill-opacity=\"0.5\"/>"
        }
        for c in samplePoints where ext.contains(c) {
            svg += "<circle cx=\"\(String(format: "%.1f", (c.x - ext.minX) * scale))\" cy=\"\(String(format: "%.1f", (ext.maxY - c.y) * scale))\" r=\"2\" fill=\"#000\"/>"
        }
        return svg + "</svg>\n"
    }
}

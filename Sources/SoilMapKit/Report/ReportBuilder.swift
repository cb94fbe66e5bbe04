import Foundation
import GeoIO
import Standards

/// Builds `report.html`: one self-contained file (pictures embedded as SVG and base64 PNG,
/// no network) with the class map, a map per pollutant, variogram plots, the
/// cross-validation table, the township area table, method notes, and the inputs.
struct ReportBuilder {
    let project: Project
    let result: RunResult
    let classRaster: String
    let surfaces: [String: String]
    let townships: PolygonLayer?
    let sampleTable: SampleTable
    var monitoring: MonitoringResult? = nil
    var official: OfficialClassification? = nil
    var finalClassRaster: String? = nil

    static let mapWidth = 760

    /// Township outlines in the working CRS.
    func townshipOutlines() throws -> [(name: String, geometry: Geometry)] {
        guard let t = townships, let cfg = project.townships else { return [] }
        let ni = try t.requireField(cfg.nameField, option: "townships.name_field")
        return zip(t.items, try t.geometries(in: result.crs)).map { ($0.values[ni].text, $1) }
    }

    /// An SVG map of a raster picture over the grid extent with township outlines, a scale bar,
    /// a north arrow and a legend.
    func mapSVG(png: Data, legend: [(String, String)], title: String, outlines: [(name: String, geometry: Geometry)],
                showSamples: Bool = false) -> String {
        let g = result.grid
        let w = Double(Self.mapWidth), h = (w * g.extent.height / g.extent.width).rounded()
        let legendW = 230.0
        func px(_ c: Coordinate) -> (Double, Double) {
            ((c.x - g.minX) / g.extent.width * w, (g.maxY - c.y) / g.extent.height * h)
        }
        func f(_ d: Double) -> String { String(format: "%.1f", d) }
        // Inline SVG in HTML5 needs no xmlns (the parser puts <svg> in the SVG namespace), and the
        // report carries no URL at all, not even a namespace name.
        var s = "<svg width=\"\(Int(w + legendW))\" height=\"\(Int(h + 30))\" viewBox=\"0 0 \(Int(w + legendW)) \(Int(h + 30))\" font-family=\"sans-serif\" font-size=\"12\">"
        s += "<rect width=\"\(f(w))\" height=\"\(f(h))\" fill=\"#f4f4f4\" stroke=\"#888\"/>"
        s += "<image x=\"0\" y=\"0\" width=\"\(f(w))\" height=\"\(f(h))\" preserveAspectRatio=\"none\" href=\"data:image/png;base64,\(png.base64EncodedString())\"/>"
        for (name, geom) in outlines {
            var d = ""
            for p in geom.polygons {
                for ring in p.rings {
                    for (i, c) in ring.coordinates.enumerated() {
                        let (x, y) = px(c)
                        d += (i == 0 ? "M" : "L") + "\(f(x)),\(f(y))"
                    }
                    d += "Z"
                }
            }
            s += "<path d=\"\(d)\" fill=\"none\" stroke=\"#333\" stroke-width=\"0.9\"><title>\(xmlEscape(name))</title></path>"
            if let e = geom.extent {
                let (x, y) = px(e.center)
                s += "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#111\" stroke=\"white\" stroke-width=\"2.5\" paint-order=\"stroke\">\(xmlEscape(name))</text>"
            }
        }
        if showSamples {
            for c in sampleTable.coordinates where g.extent.contains(c) {
                let (x, y) = px(c)
                s += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"1.2\" fill=\"#000\" fill-opacity=\"0.55\"/>"
            }
        }
        // Scale bar: a round length near a fifth of the width.
        let target = g.extent.width / 5
        let mag = pow(10, floor(log10(target)))
        let len = [1.0, 2, 5, 10].map { $0 * mag }.last { $0 <= target } ?? mag
        let barPx = len / g.extent.width * w
        s += "<rect x=\"15\" y=\"\(f(h - 28))\" width=\"\(f(barPx))\" height=\"6\" fill=\"black\"/>"
        s += "<rect x=\"15\" y=\"\(f(h - 28))\" width=\"\(f(barPx / 2))\" height=\"6\" fill=\"white\" stroke=\"black\"/>"
        s += "<text x=\"15\" y=\"\(f(h - 34))\" stroke=\"white\" stroke-width=\"2.5\" paint-order=\"stroke\">\(len >= 1000 ? String(format: "%g km", len / 1000) : String(format: "%g m", len))</text>"
        // North arrow (grid north of the projected CRS).
        s += "<g transform=\"translate(\(f(w - 30)),20)\"><path d=\"M0,0 L9,26 L0,20 L-9,26 Z\" fill=\"black\"/><text x=\"0\" y=\"40\" text-anchor=\"middle\" font-weight=\"bold\">N</text></g>"
        // Legend.
        s += "<text x=\"\(f(w + 12))\" y=\"18\" font-weight=\"bold\">\(xmlEscape(title))</text>"
        for (i, (colour, label)) in legend.enumerated() {
            let y = 34.0 + Double(i) * 22
            s += "<rect x=\"\(f(w + 12))\" y=\"\(f(y))\" width=\"18\" height=\"14\" fill=\"\(colour)\" stroke=\"#555\"/>"
            s += "<text x=\"\(f(w + 36))\" y=\"\(f(y + 12))\">\(xmlEscape(label))</text>"
        }
        s += "<text x=\"0\" y=\"\(f(h + 20))\" font-size=\"10\" fill=\"#555\">\(xmlEscape(result.crs.description)), \(g.columns) × \(g.rows) cells of \(String(format: "%g", g.cellWidth)) m</text>"
        s += "</svg>"
        return s
    }

    static let ramp: [RGBA] = [RGBA(255, 255, 204), RGBA(161, 218, 180), RGBA(65, 182, 196), RGBA(44, 127, 184), RGBA(37, 52, 148)]
    static let heat: [RGBA] = [RGBA(26, 152, 80), RGBA(166, 217, 106), RGBA(254, 224, 139), RGBA(244, 109, 67), RGBA(165, 0, 38)]

    func html() throws -> String {
        let outlines = try townshipOutlines()
        var body = inputsSection()
        body += try classSection(outlines: outlines)
        body += townshipSection()
        body += try officialSection(outlines: outlines)
        body += try surfacesSection(outlines: outlines)
        if let monitoring {
            body += Self.h2("Around key supervised enterprises 重点监管企业周边土壤")
            body += monitoring.sectionHTML(heading: 3)
        }
        body += variogramSection()
        body += crossValidationSection()
        body += notesSection()
        return """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>\(xmlEscape(project.name)) — SoilMap report</title>
        <style>
        \(try Self.styleSheet())</style></head><body>
        <h1>\(xmlEscape(project.name))</h1>
        <p>Soil pollution survey report produced by SoilMap \(SoilMapVersion.string) (GDAL \(LibraryVersions.gdal), PROJ \(LibraryVersions.proj)).</p>
        \(body)
        </body></html>
        """
    }

    /// The report's style sheet, the resource `report.css` beside this file, from the resource
    /// bundle beside the executable (or, in a build folder, where SwiftPM put it).
    ///
    /// - Throws: ``InputError`` when the bundle is not installed with the executable (SwiftPM's
    ///   `Bundle.module` would stop the process instead, so it is asked only once the bundle is
    ///   known to exist).
    static func styleSheet() throws -> String {
        let bundleName = "SoilMap_SoilMapKit.resources"
        let exe = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                      ?? CommandLine.arguments[0]).deletingLastPathComponent()
        let besideExecutable = exe.appendingPathComponent(bundleName).appendingPathComponent("report.css")
        if let css = try? String(contentsOf: besideExecutable, encoding: .utf8) { return css }
        let mainBundle = Bundle.main.bundleURL.appendingPathComponent(bundleName)
        if FileManager.default.fileExists(atPath: mainBundle.path),
           let url = Bundle.module.url(forResource: "report", withExtension: "css"),
           let css = try? String(contentsOf: url, encoding: .utf8) {
            return css
        }
        throw InputError(.fileNotFound, path: besideExecutable.path,
                         "SoilMap's report style sheet is missing; install soilmap with its resource bundles (the \(bundleName) and SoilMap_Standards.resources folders beside the executable)")
    }

    static func h2(_ s: String) -> String { "<h2>\(xmlEscape(s))</h2>\n" }
    static func p(_ s: String) -> String { "<p>\(s)</p>\n" }
    static func f(_ d: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", d) }

    /// The inputs, the working CRS and grid, the standard and rules.
    func inputsSection() -> String {
        let a = result.analysis
        var body = Self.h2("Inputs 输入数据")
        body += "<table><tr><th>input</th><th>file</th><th>count</th></tr>"
        body += "<tr><td>samples 样点</td><td>\(xmlEscape(project.samples.path))</td><td>\(sampleTable.coordinates.count)</td></tr>"
        body += "<tr><td>parcels 地块</td><td>\(xmlEscape(project.parcels.path))\(project.parcels.layer.map { " (\(xmlEscape($0)))" } ?? "")</td><td>\(a.parcels.count)</td></tr>"
        if let t = townships { body += "<tr><td>townships 乡镇</td><td>\(xmlEscape(project.townships!.path))</td><td>\(t.items.count)</td></tr>" }
        body += "</table>\n"
        body += Self.p("Working CRS: \(xmlEscape(result.crs.description)); grid \(result.grid.columns) × \(result.grid.rows) cells of \(String(format: "%g", result.grid.cellWidth)) m. Standard: \(xmlEscape(project.standard.name)); parcel rule: \(project.rule.rawValue); areas: \(project.area.rawValue).")
        return body
    }

    /// The class map with its legend and the share of each class among the study area's cells.
    func classSection(outlines: [(name: String, geometry: Geometry)]) throws -> String {
        let a = result.analysis
        var body = ""
        body += Self.h2("Soil environmental quality classes 土壤环境质量类别")
        let classDS = try RasterDataset(path: classRaster)
        let classPNG = try RasterRendering.palettedPNG(classDS, width: Self.mapWidth)
        let legend = SoilClass.legend(a.standardKind).filter { $0.code > 0 }.map { e in
            (String(format: "#%02x%02x%02x", e.colour.red, e.colour.green, e.colour.blue), e.label)
        }
        body += "<figure>" + mapSVG(png: classPNG, legend: legend, title: "类别 Class", outlines: outlines) + "</figure>\n"
        let cc = result.classCellCounts, totalCells = max(cc[1] + cc[2] + cc[3], 1)
        body += Self.p((1...3).map { k in "\(xmlEscape(SoilClass(rawValue: UInt8(k))!.label(a.standardKind))): \(Self.f(100 * Double(cc[k]) / Double(totalCells), 2)) % of cells in the study area" }.joined(separator: "; ")
          + ". Cells are classified with land use ‘\(project.rasterLandUse.rawValue)’; parcels use their own land use.")

        return body
    }

    /// Areas per township in 亩 and hectares.
    func townshipSection() -> String {
        let a = result.analysis
        var body = ""
        body += Self.h2("Areas per township by cell shares 各乡镇面积（亩，按栅格类别份额）")
        let (zones, total) = a.zoneSummaries
        body += "<table><tr><th>township 乡镇</th><th>parcels</th><th>area 亩</th><th>优先保护类 亩</th><th>安全利用类 亩</th><th>严格管控类 亩</th><th>no data 亩</th><th>area ha</th></tr>"
        for z in zones + [total] {
            let mu = { (m2: Double) in Self.f(AreaUnit.mu.fromSquareMetres(m2)) }
            body += "<tr\(z.zone == total.zone ? " class=\"total\"" : "")><td>\(xmlEscape(z.zone.isEmpty ? "(none)" : z.zone))</td><td>\(z.parcels)</td><td>\(mu(z.area))</td><td>\(mu(z.classAreas[0]))</td><td>\(mu(z.classAreas[1]))</td><td>\(mu(z.classAreas[2]))</td><td>\(mu(z.unclassifiedArea))</td><td>\(Self.f(AreaUnit.hectare.fromSquareMetres(z.area), 2))</td></tr>"
        }
        body += "</table>\n"
        body += Self.p("Class areas are each parcel's geodesic area times the coverage-weighted share of its cells in the class (exact cell coverage). 1 亩 = 10000/15 m².")

        return body
    }

    /// A map of every surface, drawn in parallel (a GDAL dataset each), placed in variable order.
    func surfacesSection(outlines: [(name: String, geometry: Geometry)]) throws -> String {
        var body = ""
        body += Self.h2("Surfaces 含量分布")
        // The pictures are drawn in parallel (a GDAL dataset each), placed in variable order.
        let mapped = result.variables.compactMap { v in surfaces[v.name].map { (variable: v, path: $0) } }
        let pictures = ResultBox<Result<(png: Data, stops: [RasterRendering.Stop]), Error>>(count: mapped.count)
        DispatchQueue.concurrentPerform(iterations: mapped.count) { k in
            pictures.set(k, Result {
                let ds = try RasterDataset(path: mapped[k].path)
                let (lo, hi) = try ds.band(1).minMax()
                let colours = Analyte(mapped[k].variable.name).isPH ? Self.ramp : Self.heat
                let stops = colours.enumerated().map { i, c in RasterRendering.Stop(lo + (hi - lo) * Double(i) / Double(colours.count - 1), c) }
                return (try RasterRendering.colourReliefPNG(ds, stops: stops, width: Self.mapWidth), stops)
            })
        }
        for (k, (v, _)) in mapped.enumerated() {
            let (png, stops) = try pictures.get(k).get()
            let unit = Analyte(v.name).unitSuffix
            let leg = stops.map { ($0.colour.hex, String(format: "%.3g", $0.value) + unit) }
            body += "<h3>\(xmlEscape(v.name)) — \(xmlEscape(v.chosen.label))</h3><figure>"
                + mapSVG(png: png, legend: leg, title: v.name, outlines: outlines, showSamples: true) + "</figure>\n"
        }

        return body
    }

    /// The fitted variograms.
    func variogramSection() -> String {
        var body = ""
        body += Self.h2("Variograms 变异函数")
        for v in result.variables {
            let fitted = v.chosen.variogram ?? v.candidates.first { $0.variogram != nil }?.variogram
            guard let fv = fitted else { continue }
            body += "<figure class=\"vg\">" + fv.svg(title: "\(v.name)\(fv.logScale ? " (ln)" : "")", standalone: false) + "<figcaption>\(xmlEscape(v.name)): \(xmlEscape(fv.model.description))\(fv.logScale ? " on ln values" : "")</figcaption></figure>\n"
        }

        return body
    }

    /// Every candidate method's leave-one-out statistics.
    func crossValidationSection() -> String {
        var body = ""
        body += Self.h2("Cross-validation 交叉验证 (leave-one-out)")
        body += "<table><tr><th>variable</th><th>method</th><th>n</th><th>ME</th><th>MAE</th><th>RMSE</th><th>MSDR</th><th>r</th><th></th></tr>"
        for v in result.variables {
            for c in v.candidates {
                let chosen = c.settings == v.chosen.settings
                let msdr = c.settings.method == .idw ? "–" : Self.f(c.cv.meanSquaredDeviationRatio, 3)
                body += "<tr\(chosen ? " class=\"chosen\"" : "")><td>\(xmlEscape(v.name))</td><td>\(xmlEscape(c.label))</td><td>\(c.cv.count)</td><td>\(String(format: "%.4g", c.cv.meanError))</td><td>\(String(format: "%.4g", c.cv.meanAbsoluteError))</td><td>\(String(format: "%.4g", c.cv.rootMeanSquaredError))</td><td>\(msdr)</td><td>\(Self.f(c.cv.correlation, 3))</td><td>\(chosen ? "✔ chosen" : "")</td></tr>"
            }
        }
        body += "</table>\n"

        return body
    }

    /// How the results were computed, and the run's warnings.
    func notesSection() -> String {
        var body = ""
        body += Self.h2("Method notes 方法说明")
        body += """
        <ul>
        <li>Samples were read from \(xmlEscape(project.samples.path)) and transformed with PROJ into \(xmlEscape(result.crs.shortName)). Values written below the detection limit were set by the rule ‘\(project.samples.belowDetection.rawValue)’.</li>
        <li>For each variable with method <code>auto</code>, SoilMap cross-validated IDW (powers 1–3), ordinary kriging and lognormal kriging (nugget + Sph/Exp/Gau/Matérn fitted by weighted least squares with gstat's weights N<sub>j</sub>/h<sub>j</sub>²) leaving one sample out at a time, and kept the lowest RMSE. Kriging used the \(project.pollutants.first?.settings.maxPoints ?? 16) nearest samples.</li>
        <li>Lognormal kriging back-transforms with exp(Ŷ + σ²/2 − m) (Journel 1980), and gives the probability of exceeding the screening and intervention values from the conditional lognormal distribution.</li>
        <li>Cells are classified by \(xmlEscape(project.standard.name)): at or below the screening value → 优先保护类; above it and at or below the intervention value → 安全利用类; above the intervention value → 严格管控类; the worst pollutant decides. pH bands: ≤5.5, (5.5, 6.5], (6.5, 7.5], >7.5, pH rounded to 0.01.</li>
        <li>Parcels: the fraction of each cell covered by the parcel is computed exactly; statistics are coverage-weighted; a parcel's class follows the ‘\(project.rule.rawValue)’ rule with its own land use; areas are geodesic on the ellipsoid (PROJ geod_polygonarea).</li>
        </ul>
        """
        if !result.warnings.isEmpty {
            body += Self.h2("Warnings 警告")
            body += "<ul>" + result.warnings.map { "<li>\(xmlEscape($0))</li>" }.joined() + "</ul>\n"
        }
        return body
    }
}

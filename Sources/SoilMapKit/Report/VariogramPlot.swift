import Foundation
import Geostat

extension FittedVariogram {
    /// The structure that is not the nugget (the first one), if any.
    var mainStructure: VariogramComponent? { model.components.first { $0.kind != .nugget } }

    /// JSON: `{"model": {"type", "nugget", "psill", "range", …}, "lags": [{"distance", "gamma", "pairs"}], …}`.
    public var json: [String: JSONValue] {
        var m: [String: JSONValue] = [
            "type": .string(mainStructure?.kind.gstatName ?? "Nug"),
            "nugget": .number(model.nugget),
            "psill": .number(mainStructure?.partialSill ?? 0),
            "range": .number(mainStructure?.range ?? 0),
            "sill": .number(model.sill),
            "description": .string(model.description),
            "log_scale": .bool(logScale),
        ]
        if case .matern(let k)? = mainStructure?.kind { m["kappa"] = .number(k) }
        if let a = model.anisotropy { m["anisotropy"] = .array([.number(a.angle), .number(a.ratio)]) }
        if let sse = weightedSSE { m["weighted_sse"] = .number(sse) }
        return [
            "model": .object(m),
            "cutoff": .number(empirical.cutoff),
            "width": .number(empirical.width),
            "lags": .array(empirical.lags.map { l in
                .object(["distance": .number(l.meanDistance), "gamma": .number(l.gamma), "pairs": .int(Int64(l.pairCount))])
            }),
            "candidates": .array(candidates.map { c in
                .object(["model": .string(c.model.description), "weighted_sse": .number(c.weightedSSE)])
            }),
        ]
    }

    /// A self-contained SVG plot of the sample variogram (points, labelled with pair counts)
    /// and the fitted model (line).
    ///
    /// - Parameter standalone: true for an .svg file (declares the SVG namespace); false for an
    ///   `<svg>` element inside an HTML5 page, which needs no namespace declaration.
    public func svg(title: String, width: Double = 520, height: Double = 340, standalone: Bool = true) -> String {
        let left = 62.0, right = 16.0, top = 34.0, bottom = 46.0
        let pw = width - left - right, ph = height - top - bottom
        let maxH = max(empirical.cutoff, empirical.lags.map(\.meanDistance).max() ?? 1)
        let maxG = max(empirical.lags.map(\.gamma).max() ?? 1, model.gamma(maxH)) * 1.1
        func sx(_ h: Double) -> Double { left + h / maxH * pw }
        func sy(_ g: Double) -> Double { top + ph - g / maxG * ph }
        func f(_ d: Double) -> String { String(format: "%.2f", d) }
        var s = "<svg\(standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "") width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(f(width / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">\(xmlEscape(title))</text>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top + ph))\" x2=\"\(f(left + pw))\" y2=\"\(f(top + ph))\" stroke=\"black\"/>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + ph))\" stroke=\"black\"/>\n"
        for i in 0...4 {
            let h = maxH * Double(i) / 4, g = maxG * Double(i) / 4
            s += "<text x=\"\(f(sx(h)))\" y=\"\(f(top + ph + 15))\" text-anchor=\"middle\">\(String(format: "%.0f", h))</text>\n"
            s += "<text x=\"\(f(left - 5))\" y=\"\(f(sy(g) + 4))\" text-anchor=\"end\">\(String(format: "%.3g", g))</text>\n"
        }
        s += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">distance (m)</text>\n"
        s += "<text transform=\"translate(14,\(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">semivariance\(logScale ? " (log scale)" : "")</text>\n"
        var path = ""
        for i in 0...200 {
            let h = maxH * Double(i) / 200
            path += (i == 0 ? "M" : "L") + "\(f(sx(h))),\(f(sy(h == 0 ? model.nugget : model.gamma(h)))) "
        }
        s += "<path d=\"\(path)\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.8\"/>\n"
        for l in empirical.lags {
            s += "<circle cx=\"\(f(sx(l.meanDistance)))\" cy=\"\(f(sy(l.gamma)))\" r=\"3.5\" fill=\"#2c3e50\"/>"
            s += "<text x=\"\(f(sx(l.meanDistance) + 4))\" y=\"\(f(sy(l.gamma) - 5))\" font-size=\"8\" fill=\"#555\">\(l.pairCount)</text>\n"
        }
        s += "<text x=\"\(f(left + pw - 4))\" y=\"\(f(top + ph - 8))\" text-anchor=\"end\" fill=\"#c0392b\">\(xmlEscape(model.description))</text>\n"
        s += "</svg>\n"
        return s
    }
}

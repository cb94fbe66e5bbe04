import Foundation
import GeoTypes
import TestSupport
@testable import Geostat

/// Reads fixtures copied into the test bundle (never /work/shared at run time).
enum Fixture {
    /// Geostat's own fixtures, else the shared Meuse and gdal_grid references of TestSupport.
    static func url(_ name: String) -> URL {
        if let own = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) { return own }
        for folder in ["meuse", "gdal_grid"] where SharedFixtures.exists("\(folder)/\(name)") {
            return URL(fileURLWithPath: SharedFixtures.path("\(folder)/\(name)"))
        }
        return Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func text(_ name: String) -> String { try! String(contentsOf: url(name), encoding: .utf8) }

    /// A CSV as header → column of strings (quotes stripped; no embedded commas in our fixtures).
    static func csv(_ name: String) -> [String: [String]] {
        let lines = text(name).split(whereSeparator: \.isNewline).map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
        var cols = [String: [String]]()
        for h in header { cols[h] = [] }
        for l in lines.dropFirst() {
            let f = l.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            for (i, h) in header.enumerated() { cols[h]!.append(f[i]) }
        }
        return cols
    }

    static func doubles(_ cols: [String: [String]], _ key: String) -> [Double] { cols[key]!.map { Double($0)! } }

    /// An ESRI ASCII grid: (ncols, nrows, xll, yll, cellsize, nodata, values row-major from the north).
    static func asciiGrid(_ name: String) -> (cols: Int, rows: Int, xll: Double, yll: Double, cell: Double, nodata: Double, values: [Double]) {
        var header = [String: Double]()
        var values: [Double] = []
        for line in text(name).split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ")
            if let k = parts.first, Double(k) == nil { header[k.lowercased()] = Double(parts[1])! } else { values += parts.map { Double($0)! } }
        }
        return (Int(header["ncols"]!), Int(header["nrows"]!), header["xllcorner"]!, header["yllcorner"]!, header["cellsize"]!,
                header["nodata_value"]!, values)
    }

    static func meuseSamples(logZinc: Bool) -> SampleSet {
        let c = csv("meuse.csv")
        let z = doubles(c, "zinc")
        return try! SampleSet(x: doubles(c, "x"), y: doubles(c, "y"), values: logZinc ? z.map { log($0) } : z,
                              ids: (1...z.count).map { "meuse-\($0)" })
    }

    static func meuseGrid() -> [Coordinate] {
        let c = csv("meuse_grid.csv")
        return zip(doubles(c, "x"), doubles(c, "y")).map { Coordinate(x: $0, y: $1) }
    }

    /// gstat's fitted model from `meuse_logzinc_variogram_model.csv`.
    static func meuseModel() -> VariogramModel {
        let c = csv("meuse_logzinc_variogram_model.csv")
        let ps = doubles(c, "psill"), r = doubles(c, "range")
        var comps: [VariogramComponent] = []
        for (i, m) in c["model"]!.enumerated() {
            switch m {
            case "Nug": comps.append(.init(.nugget, partialSill: ps[i]))
            case "Sph": comps.append(.init(.spherical, partialSill: ps[i], range: r[i]))
            default: fatalError("unexpected model \(m)")
            }
        }
        return VariogramModel(comps)
    }
}

/// Relative difference |a − b| / |b| (absolute when b == 0).
func relDiff(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    return abs(a - b) / (b == 0 ? 1 : abs(b))
}

func maxRelDiff(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { relDiff($0, $1) }.max() ?? 0
}

/// Seeded random samples in a w × h box with a smooth trend plus noise.
func randomSamples(count n: Int, seed: UInt64, width: Double = 10_000, height: Double = 8_000, originX: Double = 500_000,
                   originY: Double = 4_000_000) -> SampleSet {
    var rng = SplitMix64(seed: seed)
    var x: [Double] = [], y: [Double] = [], z: [Double] = []
    for _ in 0..<n {
        let px = originX + rng.nextUniform() * width, py = originY + rng.nextUniform() * height
        x.append(px); y.append(py)
        z.append(10 + 3 * sin((px - originX) / 1500) + 2 * cos((py - originY) / 2100) + rng.nextGaussian())
    }
    return try! SampleSet(x: x, y: y, values: z)
}

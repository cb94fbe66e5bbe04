import Foundation
import GeoTypes
import Geostat
import SoilMapKit
import Testing

/// The built `soilmap` binary: next to the test bundle in the build products folder
/// (`.build/<triple>/debug/soilmap`). The test target depends on the `soilmap` target so
/// that it is built first.
let soilmapBinary: String? = {
    var dir = Bundle.module.bundleURL.deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = dir.appendingPathComponent("soilmap").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}()

/// One row of the CLI table: arguments (with `{fx}` = the Fixtures folder and `{tmp}` = a
/// fresh scratch folder), the exit code, and a text expected in stderr or stdout.
struct CLICase: Sendable, CustomStringConvertible {
    var name: String
    var arguments: [String]
    var exitCode: Int32
    var stdout: String? = nil
    var stderr: String? = nil
    /// Files (under `{tmp}`) that must exist afterwards, and that must not.
    var creates: [String] = []
    var leavesNo: [String] = []
    /// Files (under `{tmp}`) created with the text "original" before the run; they must be unchanged after it.
    var preexisting: [String] = []
    var description: String { name }
}

/// Exit codes: 0 success, 64 usage error (ArgumentParser's EX_USAGE), 1 runtime failure.
let cliCases: [CLICase] = {
    let samples = "{fx}/small/samples.csv"
    let grid = ["--te", "401200", "3950000", "402200", "3951000"]
    let meuseArgs = ["{fx}/meuse/meuse.csv", "--field", "zinc"]
    let parcelArgs = ["parcels", "{tmp}/parcels.gpkg", "--surface", "Cd={tmp}/cd.tif", "--ph-value", "7", "--land-use-field", "dl",
                      "--zone-field", "town", "--area", "planar", "-o", "{tmp}/out.gpkg", "--summary", "{tmp}/s.csv"]
    return [
        CLICase(name: "version", arguments: ["--version"], exitCode: 0, stdout: SoilMapVersion.string),
        CLICase(name: "help lists the commands", arguments: ["--help"], exitCode: 0, stdout: "interpolate"),
        CLICase(name: "unknown subcommand", arguments: ["interpolat"], exitCode: 64, stderr: "interpolat"),
        CLICase(name: "interpolate without -o", arguments: ["interpolate", samples, "--field", "Cd"] + grid + ["--tr", "100", "100"],
                exitCode: 64, stderr: "--output"),
        CLICase(name: "interpolate without --tr or --outsize", arguments: ["interpolate", samples, "--field", "Cd", "-o", "{tmp}/cd.tif"] + grid,
                exitCode: 64, stderr: "give exactly one of --tr XRES YRES or --outsize COLS ROWS"),
        CLICase(name: "interpolate with an unknown method", arguments: ["interpolate", samples, "--field", "Cd", "--method", "kriging",
                                                                       "-o", "{tmp}/cd.tif"] + grid + ["--tr", "100", "100"],
                exitCode: 64, stderr: "kriging"),
        CLICase(name: "interpolate with a bad --anisotropy is a usage error",
                arguments: ["interpolate", samples, "--field", "Cd", "--anisotropy", "45", "-o", "{tmp}/cd.tif"] + grid + ["--tr", "100", "100"],
                exitCode: 64, stderr: "--anisotropy takes ANGLE,RATIO", leavesNo: ["cd.tif"]),
        CLICase(name: "interpolate with --psill but no model type is a usage error",
                arguments: ["interpolate", samples, "--field", "Cd", "--method", "ok", "--psill", "1", "--range", "500",
                            "-o", "{tmp}/cd.tif"] + grid + ["--tr", "100", "100"],
                exitCode: 64, stderr: "--model sph|exp|gau|mat"),
        CLICase(name: "interpolate a missing file", arguments: ["interpolate", "{tmp}/nope.csv", "--field", "Cd", "-o", "{tmp}/cd.tif"] + grid + ["--tr", "100", "100"],
                exitCode: 1, stderr: "nope.csv", leavesNo: ["cd.tif"]),
        CLICase(name: "interpolate a missing column", arguments: ["interpolate", samples, "--field", "Zn2", "-o", "{tmp}/cd.tif"] + grid + ["--tr", "100", "100"],
                exitCode: 1, stderr: "has no column 'Zn2'", leavesNo: ["cd.tif"]),
        CLICase(name: "interpolate IDW onto a grid", arguments: ["interpolate", samples, "--field", "Cd", "-o", "{tmp}/cd.tif"] + grid + ["--tr", "100", "100"],
                exitCode: 0, stdout: "Cd: 151 samples, idw, grid 10×10, CRS EPSG:4547", creates: ["cd.tif"]),
        CLICase(name: "variogram of meuse zinc", arguments: ["variogram"] + meuseArgs + ["--model", "sph", "--json", "{tmp}/v.json"],
                exitCode: 0, stdout: "model:", creates: ["v.json"]),
        CLICase(name: "cv with a k-fold", arguments: ["cv"] + meuseArgs + ["--folds", "5", "--json", "{tmp}/cv.json"],
                exitCode: 0, stdout: "n 155", creates: ["cv.json"]),
        CLICase(name: "classify with --ph and --ph-value", arguments: ["classify", "--surface", "Cd={tmp}/cd.tif", "--ph", "{tmp}/ph.tif",
                                                                       "--ph-value", "7", "-o", "{tmp}/class.tif"],
                exitCode: 64, stderr: "give --ph or --ph-value, not both"),
        CLICase(name: "classify with a --surface that is not NAME=PATH is a usage error",
                arguments: ["classify", "--surface", "cd.tif", "--ph-value", "7", "-o", "{tmp}/class.tif"],
                exitCode: 64, stderr: "--surface takes NAME=PATH"),
        CLICase(name: "classify a missing raster", arguments: ["classify", "--surface", "Cd={tmp}/none.tif", "--ph-value", "7", "-o", "{tmp}/class.tif"],
                exitCode: 1, stderr: "none.tif", leavesNo: ["class.tif"]),
        CLICase(name: "parcels of the hand-computed world", arguments: parcelArgs, exitCode: 0,
                stdout: "7 parcels, 1.8 mu", creates: ["out.gpkg", "s.csv"]),
        CLICase(name: "parcels with an existing output and no --overwrite", arguments: parcelArgs, exitCode: 1,
                stderr: "already exists; pass --overwrite", leavesNo: ["s.csv"], preexisting: ["out.gpkg"]),
        CLICase(name: "parcels with a land-use value outside --land-use-map", arguments: parcelArgs + ["--land-use-map", "水田=paddy"],
                exitCode: 1, stderr: "land-use value '旱地' is not in the mapping", leavesNo: ["out.gpkg", "s.csv"]),
        CLICase(name: "areas with a missing zone field", arguments: ["areas", "{fx}/nc/nc.shp", "--zone-field", "COUNTY", "-o", "{tmp}/a.csv"],
                exitCode: 1, stderr: "has no field 'COUNTY'", leavesNo: ["a.csv"]),
        CLICase(name: "areas of the NC counties", arguments: ["areas", "{fx}/nc/nc.shp", "--zone-field", "NAME", "-o", "{tmp}/a.csv"],
                exitCode: 0, stdout: "100 rows", creates: ["a.csv"]),
        CLICase(name: "areas planar of a geographic layer", arguments: ["areas", "{fx}/nc/nc.shp", "--zone-field", "NAME", "--area", "planar", "-o", "{tmp}/a.csv"],
                exitCode: 1, stderr: "use --area geodesic", leavesNo: ["a.csv"]),
        CLICase(name: "areas with a bad --area value", arguments: ["areas", "{fx}/nc/nc.shp", "--zone-field", "NAME", "--area", "flat", "-o", "{tmp}/a.csv"],
                exitCode: 64, stderr: "flat"),
    ]
}()

@Suite("soilmap command line (table of cases)", .enabled(if: soilmapBinary != nil,
       "the soilmap executable was not found next to the test bundle; add \"soilmap\" to the test target's dependencies"))
struct CLITests {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: soilmapBinary!)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes to the end before waiting, so a full pipe cannot block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test("Exit code and message", arguments: cliCases)
    func table(_ c: CLICase) throws {
        let dir = ScratchFolder()
        // Inputs some cases need: a Cd and a pH raster.
        try TinyWorld.writeSurface(dir.file("cd.tif"), TinyWorld.cd)
        try TinyWorld.writeSurface(dir.file("ph.tif"), [Double](repeating: 7, count: 9))
        if c.creates.contains("cd.tif") || c.leavesNo.contains("cd.tif") { try FileManager.default.removeItem(atPath: dir.file("cd.tif")) }
        try TinyWorld.writeParcels(dir.file("parcels.gpkg"), TinyWorld.parcels)
        for f in c.preexisting { try "original".write(toFile: dir.file(f), atomically: true, encoding: .utf8) }
        // {fx}/PATH: the fixture PATH, this target's own or a shared one (TestSupport).
        let args = c.arguments.map { a in
            a.hasPrefix("{fx}/") ? fixture(String(a.dropFirst(5))) : a.replacingOccurrences(of: "{tmp}", with: dir.path)
        }
        let r = try Self.run(args)
        let context = "soilmap \(c.arguments.joined(separator: " "))\n--- stdout:\n\(r.stdout)--- stderr:\n\(r.stderr)"
        #expect(r.status == c.exitCode, "\(context)")
        if let s = c.stdout { #expect(r.stdout.contains(s), "stdout lacks '\(s)'\n\(context)") }
        if let s = c.stderr { #expect(r.stderr.contains(s), "stderr lacks '\(s)'\n\(context)") }
        for f in c.creates { #expect(FileManager.default.fileExists(atPath: dir.file(f)), "\(f) missing\n\(context)") }
        for f in c.preexisting { #expect((try? String(contentsOfFile: dir.file(f), encoding: .utf8)) == "original", "\(f) was changed") }
        for f in c.leavesNo { #expect(!FileManager.default.fileExists(atPath: dir.file(f)), "\(f) left behind") }
        #expect(!dir.contents.contains { $0.contains(".partial-") }, "partial files left: \(dir.contents)")
        if c.exitCode == 1 { #expect(r.stderr.hasPrefix("soilmap: error: "), "one clear error line\n\(context)") }
    }

    @Test("The CLI's COG has the same values as the library call")
    func cliMatchesLibrary() throws {
        let dir = ScratchFolder()
        let args = ["interpolate", fixture("gdal_grid/gdal_points.csv"), "--field", "id", "--power", "2", "--smoothing", "25",
                    "--te", "399000", "4001000", "411000", "4010000", "--outsize", "48", "36", "-o", dir.file("cli.tif")]
        let r = try Self.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        var s = InterpolationSettings(method: .idw)
        s.smoothing = 25
        _ = try runInterpolate(source: SampleSource(path: fixture("gdal_grid/gdal_points.csv"), field: "id"), settings: s,
                               target: .grid(extent: Extent(minX: 399000, minY: 4001000, maxX: 411000, maxY: 4010000), resolution: nil, size: (48, 36),
                                             outputs: GridOutputs(prediction: dir.file("lib.tif")), mask: nil), threads: 2)
        #expect(try readRaster(dir.file("cli.tif")).values == readRaster(dir.file("lib.tif")).values)
    }

    @Test("-of GTiff --compress none writes a plain tiled GeoTIFF (no COG layout, no overviews) with the COG's values")
    func plainGeoTIFFOutput() throws {
        let dir = ScratchFolder()
        let base = ["interpolate", fixture("gdal_grid/gdal_points.csv"), "--field", "id", "--power", "2",
                    "--te", "399000", "4001000", "411000", "4010000", "--outsize", "48", "36"]
        let a = try Self.run(base + ["-o", dir.file("cog.tif")])
        let b = try Self.run(base + ["-of", "GTiff", "--compress", "none", "-o", dir.file("plain.tif")])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let cog = try readRaster(dir.file("cog.tif")), plain = try readRaster(dir.file("plain.tif"))
        #expect(cog.dataset.layout == "COG" && cog.dataset.compression == "DEFLATE")
        #expect(plain.dataset.layout == nil && plain.dataset.compression == nil)
        #expect(try plain.dataset.band(1).overviewCount == 0)
        #expect(plain.values == cog.values)
        let bad = try Self.run(base + ["-of", "PNG", "-o", dir.file("x.png")])
        #expect(bad.status == 64 && bad.stderr.contains("PNG"))
    }

    @Test("Kriging with a model given in full reports that model and fits nothing")
    func fixedModelIsReported() throws {
        let dir = ScratchFolder()
        var s = InterpolationSettings(method: .ok)
        s.model = .fixed(VariogramModel([.init(.nugget, partialSill: 0.1), .init(.spherical, partialSill: 1, range: 3000)]))
        let r = try runInterpolate(source: SampleSource(path: fixture("gdal_grid/gdal_points.csv"), field: "id"), settings: s,
                                   target: .grid(extent: Extent(minX: 399000, minY: 4001000, maxX: 411000, maxY: 4010000), resolution: nil,
                                                 size: (12, 9), outputs: GridOutputs(prediction: dir.file("ok.tif")), mask: nil), threads: 2)
        #expect(r.variogram == nil)
        #expect(r.model?.description == "Nug(0.1) + Sph(1.0, 3000.0)")
    }
}


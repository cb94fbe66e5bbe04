import Foundation
import GeoIO
import GeoTypes
import Testing
@testable import SoilMapKit

/// Tiled runs (issue 12): plan → tiles → merge writes what `soilmap run` writes, bit for bit;
/// bad plans, missing, foreign, repeated and killed tiles give clear errors and no output.
@Suite("Tiled runs: plan, tiles, merge", .serialized)
struct TiledRunTests {
    static let quiet = RunProjectTests.quiet

    /// The test project at a cell size that is not a binary fraction (so a tile's own origin
    /// would give other cell centres than the whole grid's: the windows must take the whole
    /// grid's), with Pb by lognormal kriging (exceedance rasters that read the tile's pH).
    /// The test project with crops, villages, official areas and measures, so that the merge's
    /// official classification (points, crops, units, township and village tables, safe
    /// utilization, final_class.tif) is compared with the whole run's too.
    static func project(_ dir: ScratchFolder) throws -> Project {
        try FileManager.default.copyItem(atPath: fixture("small/crops.csv"), toPath: dir.file("crops.csv"))
        return try RunProjectTests().project(in: dir, edit: {
            $0.replacingOccurrences(of: "grid: {resolution: 50, margin: 50}", with: "grid: {resolution: 37.3, margin: 50}")
                .replacingOccurrences(of: "{name: Pb, method: ok}", with: "{name: Pb, method: lok}")
                + """
                crops: {path: crops.csv, x: lon, y: lat, crs: EPSG:4326, id: sample_id, crop_field: crop, crop_map: {水稻: 稻谷}, pair_field: soil_sample}
                classification: {village_field: ZLDWMC, village_code_field: ZLDWDM, township_code_field: town_code, measure_field: AQLYCS, measure_met_field: NCPDB}
                area: field:TBDLMJ

                """
        })
    }

    static func runAllTiles(_ plan: TilePlan, _ path: String, order: [Int]? = nil) throws {
        for i in order ?? plan.tiles.map(\.index) {
            // Thread counts differ between tiles: results do not depend on them.
            _ = try runTile(planPath: path, options: TileOptions(index: i, threads: 1 + i % 3), progress: quiet)
        }
    }

    /// Every file of a run folder but run.json, by name (hidden files: the lock, none else).
    static func outputs(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir)
        where !name.hasPrefix(".") && name != "run.json" && name != "plan.json" && name != "tiles" {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        return out
    }

    @Test("6 tiles with halos, run in reverse order with 1–3 threads each: every merged file equals soilmap run's, byte for byte and cell for cell")
    func mergedEqualsWholeRun() throws {
        let dir = ScratchFolder()
        let p = try Self.project(dir)
        let whole = try runProject(p, options: RunOptions(outputDir: dir.file("whole"), threads: 2), progress: Self.quiet)
        let plan = try makePlan(p, folder: dir.file("tiled"), layout: .count(6), overwrite: false, threads: 2, progress: Self.quiet)
        #expect(plan.tiles.count == 6 && plan.tileRows * plan.tileColumns == 6)
        #expect(plan.tiles.map(\.parcels).reduce(0, +) == 300)
        #expect(plan.tiles.contains { $0.window != $0.core }, "no tile has a halo: the test would not exercise one")
        // The cores partition the grid.
        #expect(plan.tiles.map(\.core.cellCount).reduce(0, +) == plan.grid.cellCount)
        #expect(plan.grid == whole.grid)
        let planPath = dir.file("tiled/plan.json")
        try Self.runAllTiles(plan, planPath, order: plan.tiles.map(\.index).reversed())
        let merged = try mergeTiles(planPath: planPath, options: RunOptions(threads: 1), progress: Self.quiet)

        let a = try Self.outputs(dir.file("whole")), b = try Self.outputs(dir.file("tiled"))
        #expect(a.count >= 14, "whole run wrote \(a.keys.sorted())")
        for f in ["units.gpkg", "units.xlsx", "crops.csv", "classes_by_village.csv", "safe_utilization.xlsx", "final_class.tif", "points.gpkg"] {
            #expect(a[f] != nil, "\(f) missing from the whole run")
        }
        #expect(Set(a.keys) == Set(b.keys), "file sets differ: \(Set(a.keys).symmetricDifference(Set(b.keys)))")
        for (name, data) in a.sorted(by: { $0.key < $1.key }) {
            #expect(b[name] == data, "\(name) differs between soilmap run and the merged tiles")
        }
        // Rasters cell by cell too (the same bytes imply it; this says which cell if they ever differ).
        for name in a.keys where name.hasSuffix(".tif") {
            let (_, g1, v1, _) = try readRaster(dir.file("whole/" + name))
            let (_, g2, v2, _) = try readRaster(dir.file("tiled/" + name))
            #expect(g1 == g2)
            if let k = v1.indices.first(where: { v1[$0].bitPattern != v2[$0].bitPattern }) {
                Issue.record("\(name): cell \(k / g1.columns), \(k % g1.columns) is \(v1[k]) in the run, \(v2[k]) merged")
            }
        }
        // Tables exactly, parcel by parcel.
        #expect(merged.analysis.parcels.count == whole.analysis.parcels.count)
        for (x, y) in zip(whole.analysis.parcels, merged.analysis.parcels) {
            #expect(x.fid == y.fid && x.area.bitPattern == y.area.bitPattern && x.soilClass == y.soilClass
                    && x.shares.map(\.bitPattern) == y.shares.map(\.bitPattern) && x.means.map(\.bitPattern) == y.means.map(\.bitPattern),
                    "parcel \(x.id) differs")
        }
        #expect(merged.classCellCounts == whole.classCellCounts)
        #expect(merged.warnings == whole.warnings)
    }

    @Test("--tile-size and --tiles split the grid as asked; one tile is the whole grid")
    func layouts() throws {
        let g = try GridSpec(minX: 0, maxY: 1000, cellWidth: 10, cellHeight: 10, columns: 100, rows: 40)
        #expect(TileLayout.count(1).split(g) == (1, 1))
        #expect(TileLayout.count(4).split(g) == (1, 4))  // 25 × 40 cells: closest to square
        #expect(TileLayout.count(8).split(g) == (2, 4))
        #expect(TileLayout.count(7).split(g) == (1, 7))
        #expect(TileLayout.size(250).split(g) == (2, 4))  // 25 cells a side
        #expect(TileLayout.size(1e300).split(g) == (1, 1))  // beyond the grid: one tile, no overflow
        #expect(TileLayout.count(Int.max).split(g) == (Int.max, 1))  // at once; makePlan refuses it
        let cores = coreWindows(g, rows: 3, columns: 7)
        #expect(cores.count == 21 && cores.map(\.cellCount).reduce(0, +) == g.cellCount)
        for (i, a) in cores.enumerated() {
            for b in cores[(i + 1)...] { #expect(a.intersection(b).isEmpty) }
        }
    }

    @Test("Bad plans and tiles: index out of range, a tile run twice, changed inputs, another version, missing and foreign tiles")
    func badInput() throws {
        let dir = ScratchFolder()
        let p = try Self.project(dir)
        let planPath = dir.file("tiled/plan.json")
        let plan = try makePlan(p, folder: dir.file("tiled"), layout: .count(3), overwrite: false, threads: 2, progress: Self.quiet)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        // A second plan into the same folder needs --overwrite.
        #expect(message { _ = try makePlan(p, folder: dir.file("tiled"), layout: .count(3), overwrite: false, threads: 2, progress: Self.quiet) }
            .contains("already exists; pass --overwrite"))
        #expect(message { _ = try makePlan(p, folder: dir.file("t0"), layout: .count(0), overwrite: false, threads: 2, progress: Self.quiet) }
            .contains("--tiles 0: give at least 1 tile"))
        // No index anywhere, an index outside the plan.
        #expect(message { _ = try TileOptions().resolvedIndex([:]) }.contains("give --index I, or run as a Slurm array task"))
        #expect(try TileOptions().resolvedIndex(["SLURM_ARRAY_TASK_ID": "2"]) == 2)
        #expect(try TileOptions().resolvedIndex(["JOB_COMPLETION_INDEX": "1"]) == 1)
        #expect(message { _ = try TileOptions().resolvedIndex(["SLURM_ARRAY_TASK_ID": "x"]) }.contains("SLURM_ARRAY_TASK_ID='x' is not a tile index"))
        #expect(message { _ = try runTile(planPath: planPath, options: TileOptions(index: 3), progress: Self.quiet) }
            .contains("tile index 3 is outside the plan's 3 tiles (0–2)"))
        // Merge before any tile: names every missing tile, writes nothing.
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.file("tiled")).sorted()
        #expect(message { _ = try mergeTiles(planPath: planPath, options: RunOptions(), progress: Self.quiet) }
            .contains("3 of 3 tiles are missing or incomplete (no tiles/NNNN/tile.json): 0, 1, 2"))
        // Tile 0 done; run twice → refused; merge names 1 and 2.
        _ = try runTile(planPath: planPath, options: TileOptions(index: 0), progress: Self.quiet)
        #expect(message { _ = try runTile(planPath: planPath, options: TileOptions(index: 0), progress: Self.quiet) }
            .contains("tile 0 is already complete; pass --overwrite to compute it again"))
        #expect(message { _ = try mergeTiles(planPath: planPath, options: RunOptions(), progress: Self.quiet) }
            .contains("2 of 3 tiles are missing or incomplete (no tiles/NNNN/tile.json): 1, 2"))
        // Pipeline states are PipelineErrors, so a caller can tell them from bad input (InputError).
        #expect { _ = try mergeTiles(planPath: planPath, options: RunOptions(), progress: Self.quiet) } throws: {
            ($0 as? PipelineError)?.kind == .incompleteTiles
        }
        #expect { _ = try runTile(planPath: planPath, options: TileOptions(index: 0), progress: Self.quiet) } throws: {
            ($0 as? PipelineError)?.kind == .tileComplete
        }
        #expect { _ = try runTile(planPath: planPath, options: TileOptions(index: 3), progress: Self.quiet) } throws: {
            ($0 as? InputError)?.kind == .invalidArgument
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("tiled")).sorted() == before)
        // A killed task: its files are there but not its tile.json → still missing.
        _ = try runTile(planPath: planPath, options: TileOptions(index: 1), progress: Self.quiet)
        try FileManager.default.removeItem(atPath: dir.file("tiled/tiles/0001/tile.json"))
        #expect(message { _ = try mergeTiles(planPath: planPath, options: RunOptions(), progress: Self.quiet) }
            .contains("tiles are missing or incomplete (no tiles/NNNN/tile.json): 1, 2"))
        // A tile of another plan (a tile.json copied from elsewhere).
        var record = try JSONDecoder.plan.decode(TileRecord.self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("tiled/tiles/0000/tile.json"))))
        record.planID = "0123"
        try JSONEncoder.plan.encode(record).write(to: URL(fileURLWithPath: dir.file("tiled/tiles/0000/tile.json")))
        _ = try runTile(planPath: planPath, options: TileOptions(index: 1), progress: Self.quiet)
        _ = try runTile(planPath: planPath, options: TileOptions(index: 2), progress: Self.quiet)
        #expect(message { _ = try mergeTiles(planPath: planPath, options: RunOptions(), progress: Self.quiet) }
            .contains("tiles 0 were computed for another plan"))
        _ = try runTile(planPath: planPath, options: TileOptions(index: 0, overwrite: true), progress: Self.quiet)
        // Changed inputs: every task and the merge refuse the plan, naming the file.
        let samples = dir.file("samples.csv")
        let original = try String(contentsOfFile: samples, encoding: .utf8)
        try (original + "\n").write(toFile: samples, atomically: true, encoding: .utf8)
        let changed = message { _ = try mergeTiles(planPath: planPath, options: RunOptions(), progress: Self.quiet) }
        #expect(changed.contains("samples.csv") && changed.contains("has changed since the plan was made"))
        #expect(message { _ = try runTile(planPath: planPath, options: TileOptions(index: 0, overwrite: true), progress: Self.quiet) }
            .contains("has changed since the plan was made"))
        try original.write(toFile: samples, atomically: true, encoding: .utf8)
        // A plan from another SoilMap version; an edited plan.
        let text = try String(contentsOfFile: planPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\"soilmapVersion\" : \"\(SoilMapVersion.string)\"", with: "\"soilmapVersion\" : \"0.0.1\"")
            .write(toFile: planPath, atomically: true, encoding: .utf8)
        #expect(message { _ = try TilePlan.load(path: planPath) }.contains("was made by SoilMap 0.0.1"))
        try text.replacingOccurrences(of: "\"soilmapBuild\" : \"\(plan.soilmapBuild)\"", with: "\"soilmapBuild\" : \"0123\"")
            .write(toFile: planPath, atomically: true, encoding: .utf8)
        #expect(message { _ = try TilePlan.load(path: planPath) }.contains("was made by another build of SoilMap"))
        try text.replacingOccurrences(of: "\"parcels\" : \(plan.tiles[0].parcels),", with: "\"parcels\" : \(plan.tiles[0].parcels + 1),")
            .write(toFile: planPath, atomically: true, encoding: .utf8)
        #expect(message { _ = try TilePlan.load(path: planPath) }.contains("has been edited since it was made"))
        try text.write(toFile: planPath, atomically: true, encoding: .utf8)
        #expect(message { _ = try TilePlan.load(path: dir.file("nothing.json")) }.contains("no such plan file"))
        // All well again: the merge works, and a second merge needs --overwrite.
        _ = try mergeTiles(planPath: planPath, options: RunOptions(), progress: Self.quiet)
        #expect(FileManager.default.fileExists(atPath: dir.file("tiled/run.json")))
        #expect(message { _ = try mergeTiles(planPath: planPath, options: RunOptions(), progress: Self.quiet) }.contains("pass --overwrite"))
        // A new plan over the merged run: refused without --overwrite; with it, the old run.json and
        // tiles go, so the folder no longer looks like a whole run until the new merge.
        #expect(message { _ = try makePlan(p, folder: dir.file("tiled"), layout: .count(2), overwrite: false, threads: 2, progress: Self.quiet) }
            .contains("already exists; pass --overwrite"))
        _ = try makePlan(p, folder: dir.file("tiled"), layout: .count(2), overwrite: true, threads: 2, progress: Self.quiet)
        #expect(!FileManager.default.fileExists(atPath: dir.file("tiled/run.json")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("tiled/tiles")).isEmpty)
    }

    /// Runs the soilmap binary; returns its exit status and standard error.
    static func soilmap(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: soilmapBinary!)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, b in b }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    @Test("A tile task killed with SIGKILL leaves no tile.json; the merge names it; the same command then completes it; another build is refused",
          .enabled(if: soilmapBinary != nil))
    func killedTask() throws {
        let dir = ScratchFolder()
        _ = try Self.project(dir)
        // Plan, tiles and merge by one binary: the plan records the build that made it.
        let planPath = dir.file("tiled/plan.json")
        #expect(try Self.soilmap(["plan", dir.file("project.yaml"), "-o", dir.file("tiled"), "--tiles", "2", "--quiet"]).status == 0)
        // This test process is another build than the soilmap binary: it may not run the plan's tiles.
        var refused = ""
        do { _ = try runTile(planPath: planPath, options: TileOptions(index: 0), progress: Self.quiet) } catch { refused = "\(error)" }
        #expect(refused.contains("was made by another build of SoilMap"))
        #expect(try Self.soilmap(["tile", planPath, "--index", "0", "--quiet"]).status == 0)
        // Task 1 as a Slurm array task would run it: the index from the environment.
        let task = Process()
        task.executableURL = URL(fileURLWithPath: soilmapBinary!)
        task.arguments = ["tile", planPath]
        task.environment = ProcessInfo.processInfo.environment.merging(["SLURM_ARRAY_TASK_ID": "1"]) { _, b in b }
        let err = Pipe()
        task.standardError = err
        task.standardOutput = FileHandle.nullDevice
        try task.run()
        var text = "", killed = false
        while true {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if !killed && text.contains("soilmap: Interpolating Cd") {
                kill(task.processIdentifier, SIGKILL)
                killed = true
            }
        }
        task.waitUntilExit()
        #expect(killed && task.terminationReason == .uncaughtSignal, "the task was not killed: \(text)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.file("tiled/tiles/0001"))) ?? []
        #expect(!left.contains(TileRecord.fileName) && left.allSatisfy { $0.hasPrefix(".") }, "a killed task left \(left)")
        let merge = try Self.soilmap(["merge", planPath, "--quiet"])
        #expect(merge.status == 1 && merge.stderr.contains("1 of 2 tiles are missing or incomplete (no tiles/NNNN/tile.json): 1"), "\(merge)")
        // The same task again: removes the dead task's files and completes; then the merge works.
        #expect(try Self.soilmap(["tile", planPath, "--quiet"], environment: ["SLURM_ARRAY_TASK_ID": "1"]).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.file("tiled/tiles/0001"))
        #expect(files.contains(TileRecord.fileName) && !files.contains { $0.contains(".partial-") }, "\(files)")
        let merged = try Self.soilmap(["merge", planPath, "--quiet"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("tiled/run.json")))
    }
}

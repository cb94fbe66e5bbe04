import Foundation
import GeoIO
import Testing
@testable import SoilMapKit

/// Runs killed with SIGKILL at several stages, then rerun; same bits for any thread count;
/// temporary files of killed processes are cleaned up (issue 15).
@Suite("Interrupted runs, reruns and thread counts", .serialized)
struct InterruptionTests {
    /// A copy of the test project, with its outputs under `out`.
    static func projectFolder(_ label: String) throws -> HostileInputTests.Folder {
        try HostileInputTests.setUp(HostileCase(name: label, outcome: .succeeds(note: nil)))
    }

    /// Every output of a run except run.json (timings, thread count and paths differ), by name.
    static func outputs(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name != "run.json" {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        return out
    }

    /// Starts `soilmap run` and kills it with SIGKILL right after it prints the progress line
    /// starting `stage` (or lets it finish if it never does). Returns the lines it printed.
    static func runAndKill(project: String, output: String, at stage: String) throws -> (lines: [String], killed: Bool) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: soilmapBinary!)
        p.arguments = ["run", project, "-o", output]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        var text = "", killed = false
        let handle = err.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }  // end of file: the process ended
            text += String(decoding: chunk, as: UTF8.self)
            if !killed, text.split(separator: "\n").contains(where: { $0.hasPrefix("soilmap: \(stage)") }) {
                kill(p.processIdentifier, SIGKILL)
                killed = true
            }
        }
        p.waitUntilExit()
        killed = killed && p.terminationReason == .uncaughtSignal
        return (text.split(separator: "\n").map(String.init), killed)
    }

    static let stages = ["Reading inputs", "Choosing the method for Cd", "Interpolating Pb", "Classifying cells",
                         "Parcels: coverage", "Writing the report"]

    @Test("kill -9 at six stages: nothing that looks complete is left; the same command then gives the same bits",
          .enabled(if: soilmapBinary != nil), arguments: stages)
    func killAndRerun(_ stage: String) throws {
        let f = try Self.projectFolder("kill " + stage)
        let reference = f.file("reference"), out = f.file("out")
        _ = try runProject(try Project.load(path: f.file("project.yaml")), options: RunOptions(outputDir: reference),
                           progress: RunProjectTests.quiet)
        let (lines, killed) = try Self.runAndKill(project: f.file("project.yaml"), output: out, at: stage)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        let visible = left.filter { !$0.hasPrefix(".") }
        // Up to the parcels the run has seconds of work left: the kill lands inside it.
        #expect(killed || stage == Self.stages.last, "the run finished before the kill at '\(stage)'")
        if stage == "Parcels: coverage" {
            #expect(left.contains { $0.contains(".partial-") }, "no temporary files left by a kill during the parcels: \(left)")
        }
        if killed {
            // Killed: only hidden temporary files (and the lock file) may remain.
            #expect(visible.isEmpty, "killed at '\(stage)': files that look like outputs: \(visible); it printed \(lines)")
        } else {
            // The kill came after the run finished: the outputs are whole.
            #expect(visible.contains("run.json"), "not killed at '\(stage)' and no run.json: \(left)")
        }
        // The user runs the same command again (without --overwrite when nothing visible is left).
        let again = Process()
        again.executableURL = URL(fileURLWithPath: soilmapBinary!)
        again.arguments = ["run", f.file("project.yaml"), "-o", out, "--quiet"] + (visible.isEmpty ? [] : ["--overwrite"])
        again.standardError = FileHandle.nullDevice
        try again.run()
        again.waitUntilExit()
        #expect(again.terminationStatus == 0, "the rerun after a kill at '\(stage)' failed")
        let after = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(after.filter { $0.hasPrefix(".") }.isEmpty, "hidden leftovers after the rerun: \(after)")
        let a = try Self.outputs(out), b = try Self.outputs(reference)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, data) in b { #expect(a[name] == data, "\(name) differs from an uninterrupted run (killed at '\(stage)')") }
    }

    @Test("--threads 1, 2 and 8 write the same bits")
    func threadCounts() throws {
        let f = try Self.projectFolder("threads")
        let p = try Project.load(path: f.file("project.yaml"))
        var results: [Int: [String: Data]] = [:]
        var runJSON: [Int: [String: Any]] = [:]
        for t in [1, 2, 8] {
            let dir = f.file("t\(t)")
            _ = try runProject(p, options: RunOptions(outputDir: dir, threads: t), progress: RunProjectTests.quiet)
            results[t] = try Self.outputs(dir)
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/run.json"))) as! [String: Any]
            var parameters = json["parameters"] as! [String: Any]
            #expect(parameters["threads"] as? Int == t)
            parameters["threads"] = nil
            json["parameters"] = parameters
            json["timings_s"] = nil
            runJSON[t] = json
        }
        #expect(results[1]!.count >= 12)
        for t in [2, 8] {
            #expect(results[t]!.keys.sorted() == results[1]!.keys.sorted())
            for (name, data) in results[1]! { #expect(results[t]![name] == data, "\(name): --threads \(t) differs from --threads 1") }
            let a = try JSONSerialization.data(withJSONObject: runJSON[t]!, options: .sortedKeys)
            let b = try JSONSerialization.data(withJSONObject: runJSON[1]!, options: .sortedKeys)
            #expect(a == b, "run.json (without timings and paths): --threads \(t) differs from --threads 1")
        }
    }

    @Test("Temporary files of dead processes are removed when a run takes the folder; a live process's are kept")
    func leftovers() throws {
        let dir = ScratchFolder()
        // A process id that is not running: a child that has exited and been reaped.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let dead = p.processIdentifier
        let names = [".Cd.partial-\(dead)-123.tif", ".parcels.partial-\(dead)-9.gpkg-journal", ".Pb.partial-\(getpid())-5.tif",
                     ".hidden-user-file", "notes.partial-\(dead)-1.txt"]
        for n in names { try "x".write(toFile: dir.file(n), atomically: true, encoding: .utf8) }
        let folder = try OutputFolder(dir.path, key: "-o/--output")
        folder.release()
        #expect(dir.contents == [".Pb.partial-\(getpid())-5.tif", ".hidden-user-file", "notes.partial-\(dead)-1.txt"])
    }
}

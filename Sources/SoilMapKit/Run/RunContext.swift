import Foundation
import GeoIO

/// What every stage of `run`, `plan`, `tile` and `merge` shares, set up once: the worker
/// threads, GDAL's settings, the locked output folder and the files pending in it, the progress
/// reporter, the stage timings and the warnings.
///
/// Setting up: GDAL's block cache is 256 MB unless the user set `GDAL_CACHEMAX` (on the sample
/// county this halves peak memory, 1.4 GB → 0.77 GB, at the same speed); GeoPackages record
/// 2000-01-01 as their last-change time (`OGR_CURRENT_DATE`, thread-local: every GeoPackage of a
/// run is written and closed on the thread that made the context, and another run in the same
/// process — a test suite — cannot unset it half-way), so outputs are reproducible.
/// These are set for `plan` and `tile` too, which write no GeoPackage: harmless there, and one
/// set-up for every command. ``finish()`` (call it with `defer`) removes the files of a run that
/// did not commit, while the folder is still locked, then releases the lock and that setting.
final class RunContext {
    let threads: Int
    /// The output folder (absolute).
    let outputDir: String
    /// The files written into it, under temporary names until ``OutputFiles/commit()``.
    let files: OutputFiles
    let progress: ProgressReporter
    /// When the command started (the whole command's time, plan loading and input hashes included).
    let started: Date
    /// (stage, wall-clock seconds) in order.
    var timings: [(String, Double)] = []
    var warnings: [String] = []
    private let folder: OutputFolder

    /// - Parameters:
    ///   - threads: the command's `--threads`, else the project's `threads`, else every core.
    ///   - folderKey: how the user named the folder (`outputs.dir`, `-o/--output`), for messages.
    init(threads: Int?, project: Project?, outputDir: String, folderKey: String, overwrite: Bool,
         progress: ProgressReporter, started: Date = Date()) throws {
        self.started = started
        self.threads = max(threads ?? project?.threads ?? ProcessInfo.processInfo.activeProcessorCount, 1)
        self.outputDir = outputDir
        self.progress = progress
        folder = try OutputFolder(outputDir, key: folderKey)
        files = OutputFiles(overwrite: overwrite)
        if ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil {
            GDALConfiguration.setBlockCacheSize(bytes: 256 << 20)
        }
        GDALConfiguration.setForThisThread("OGR_CURRENT_DATE", "2000-01-01T00:00:00Z")
    }

    /// Releases the output folder and the GeoPackage date setting.
    func finish() {
        if !files.isCommitted { files.discard() }
        GDALConfiguration.setForThisThread("OGR_CURRENT_DATE", nil)
        folder.release()
    }

    /// The temporary path an output file `name` (relative to the output folder) is written to.
    func path(_ name: String) throws -> String { try files.temporaryPath(for: outputDir + "/" + name) }

    /// The final path of output `name`.
    func finalPath(_ name: String) -> String { outputDir + "/" + name }

    /// Starts a stage shown as `title` in the progress output.
    func begin(_ title: String, total: Int = 0, unit: String = "") { progress.begin(title, total: total, unit: unit) }

    /// Ends the current stage and records its time as `stage`.
    func end(_ stage: String, _ detail: String = "") { timings.append((stage, progress.end(detail))) }

    /// Adds warnings, each once.
    func warn(_ new: [String]) { warnings += new.filter { !warnings.contains($0) } }
}

/// An output folder given on the command line, made absolute against the current directory.
func absoluteFolder(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
}

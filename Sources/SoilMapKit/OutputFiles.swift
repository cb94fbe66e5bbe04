import Foundation
import GeoIO

/// Output files written safely: each under a temporary name in the output folder, renamed
/// to its final name only when everything succeeded, so a failed or interrupted run leaves
/// no file that looks complete.
///
/// Usage: ask ``temporaryPath(for:)`` for each output, write there, then ``commit()``;
/// on any error call ``discard()`` (also done by `deinit` when not committed).
public final class OutputFiles {
    public let overwrite: Bool
    private var pending: [(temporary: String, final: String)] = []
    private var committed = false
    private let token = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    public init(overwrite: Bool) { self.overwrite = overwrite }

    /// Reserves `finalPath` and returns the temporary path to write to (same folder and
    /// extension, so drivers chosen by extension still work).
    ///
    /// - Throws: ``InputError`` (`outputExists`) when the file exists and `overwrite` is
    ///   false, or when the folder does not exist.
    public func temporaryPath(for finalPath: String) throws -> String {
        let url = URL(fileURLWithPath: finalPath)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw InputError(.invalidArgument, path: finalPath, "the output folder \(dir) does not exist; create it first")
        }
        if FileManager.default.fileExists(atPath: finalPath) && !overwrite {
            throw InputError(.outputExists, path: finalPath, "already exists; pass --overwrite to replace it")
        }
        let ext = url.pathExtension
        let name = url.deletingPathExtension().lastPathComponent
        let tmp = dir + "/.\(name).partial-\(token)" + (ext.isEmpty ? "" : ".\(ext)")
        pending.append((tmp, finalPath))
        return tmp
    }

    /// The temporary path already reserved for `finalPath`.
    public func pendingPath(for finalPath: String) throws -> String {
        guard let p = pending.first(where: { $0.final == finalPath }) else {
            throw InputError(.invalidArgument, path: finalPath, "was not written by this run")
        }
        return p.temporary
    }

    /// The final paths of every file reserved so far, in order.
    public var pendingFinalPaths: [String] { pending.map(\.final) }

    /// Writes `data` to a reserved temporary file for `finalPath`.
    public func write(_ data: Data, to finalPath: String) throws {
        let tmp = try temporaryPath(for: finalPath)
        try data.write(to: URL(fileURLWithPath: tmp))
    }

    /// Renames every temporary file (and its GDAL `.aux.xml` side-car) to its final name.
    public func commit() throws {
        let fm = FileManager.default
        for (tmp, final) in pending {
            for (a, b) in [(tmp, final), (tmp + ".aux.xml", final + ".aux.xml")] where fm.fileExists(atPath: a) {
                if fm.fileExists(atPath: b) { try fm.removeItem(atPath: b) }
                try fm.moveItem(atPath: a, toPath: b)
            }
        }
        pending.removeAll()
        committed = true
    }

    /// Removes every temporary file written so far.
    public func discard() {
        for (tmp, _) in pending {
            for p in [tmp, tmp + ".aux.xml", tmp + ".staging.tif", tmp + ".staging.tif.aux.xml"] {
                try? FileManager.default.removeItem(atPath: p)
            }
        }
        pending.removeAll()
    }

    deinit { if !committed { discard() } }
}

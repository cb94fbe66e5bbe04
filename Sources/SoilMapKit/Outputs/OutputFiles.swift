import Foundation
import GeoIO

/// Output files written safely: each under a temporary name in the output folder, renamed
/// to its final name only when everything succeeded, so a failed or interrupted run leaves
/// no file that looks complete.
///
/// Usage: ask ``temporaryPath(for:)`` for each output, write there, then ``commit()``;
/// on any error call ``discard()`` (also done by `deinit` when not committed).
///
/// The last file reserved is the completion marker (a run's `run.json`): ``commit()`` removes
/// its old copy before renaming anything and renames it last, so a process killed during the
/// renames leaves no marker, and a folder whose marker is present holds one whole run.
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
        let tmp = dir + "/.\(name)\(Self.partialInfix)\(token)" + (ext.isEmpty ? "" : ".\(ext)")
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

    static let partialInfix = ".partial-"

    /// The process that wrote a temporary file, from its name (`.NAME.partial-PID-TOKEN…`);
    /// `nil` for any other name.
    static func writerProcess(ofTemporaryName name: String) -> pid_t? {
        guard name.hasPrefix("."), let r = name.range(of: partialInfix, options: .backwards) else { return nil }
        let rest = name[r.upperBound...]
        guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0,
              rest[rest.index(after: dash)...].prefix(while: \.isNumber).count > 0 else { return nil }
        return pid
    }

    /// Renames every temporary file (and its GDAL `.aux.xml` side-car) to its final name; the
    /// last one (the completion marker) last, after its old copy was removed first.
    public func commit() throws {
        let fm = FileManager.default
        if let marker = pending.last?.final, fm.fileExists(atPath: marker) { try fm.removeItem(atPath: marker) }
        for (tmp, final) in pending {
            for (a, b) in [(tmp, final), (tmp + ".aux.xml", final + ".aux.xml")] where fm.fileExists(atPath: a) {
                if fm.fileExists(atPath: b) { try fm.removeItem(atPath: b) }
                try fm.moveItem(atPath: a, toPath: b)
            }
            // A COG's staging copy kept for reading back during the run (RasterWriter.keepsStaging).
            for p in [tmp + ".staging.tif", tmp + ".staging.tif.aux.xml"] where fm.fileExists(atPath: p) { try? fm.removeItem(atPath: p) }
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

    /// Whether ``commit()`` has run.
    public var isCommitted: Bool { committed }

    deinit { if !committed { discard() } }
}

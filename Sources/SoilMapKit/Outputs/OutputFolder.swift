import Foundation
import GeoIO

/// The output folder of a run: created if needed, refused with a clear message when it is a file
/// or cannot be written, and locked for the run so that two runs cannot write into it at once.
///
/// The lock is `flock` on `.soilmap.lock` inside the folder: the kernel releases it when the
/// process ends, however it ends (a run killed with `kill -9` leaves no stale lock). The lock
/// file is removed when the run ends normally. Holding the lock, the folder removes the hidden
/// temporary files (``OutputFiles``) that a killed run left behind.
final class OutputFolder {
    let path: String
    private let fd: Int32
    private var released = false

    /// - Parameter key: how the user named the folder (`outputs.dir`, `--output-dir`), for messages.
    init(_ path: String, key: String) throws {
        self.path = path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw InputError(.invalidArgument, path: path, "the output folder (\(key)) is a file; remove it or choose another \(key)")
            }
        } else {
            do {
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? Error)?.localizedDescription ?? error.localizedDescription
                throw InputError(.invalidArgument, path: path, "cannot create the output folder (\(key)): \(reason); choose a folder you can write to")
            }
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw InputError(.invalidArgument, path: path, "the output folder (\(key)) is not writable; choose a folder you can write to")
        }
        let lock = path + "/.soilmap.lock"
        fd = open(lock, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        // From here on every stored property is set, so a throw runs deinit: mark the lock as not
        // ours first (deinit must not remove another run's lock file).
        guard fd >= 0 else {
            released = true
            throw InputError(.invalidArgument, path: path, "cannot create the lock file .soilmap.lock in the output folder (\(key)): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            released = true
            close(fd)
            throw PipelineError(.busy, path: path,
                                "another soilmap run is writing into this output folder (it holds .soilmap.lock); wait for it to finish or choose another \(key)")
        }
        let note = "soilmap run, process \(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { write(fd, $0, strlen($0)) }
        removeLeftovers()
    }

    /// Removes `.NAME.partial-PID-TOKEN…` files whose process is gone (a run or command killed
    /// before it could clean up). Files of a live process are kept: a single-step command may
    /// be writing into the same folder.
    private func removeLeftovers() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where name.hasPrefix(".") {
            guard let pid = OutputFiles.writerProcess(ofTemporaryName: name) else { continue }
            // kill(pid, 0): 0 when the process exists; ESRCH when it does not.
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: path + "/" + name)
            }
        }
    }

    /// Removes the lock file and releases the lock (also done on deinit).
    func release() {
        guard !released else { return }
        released = true
        unlink(path + "/.soilmap.lock")
        flock(fd, LOCK_UN)
        close(fd)
    }

    deinit { release() }
}

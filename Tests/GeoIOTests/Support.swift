import Foundation
import Testing
import TestSupport
@testable import GeoIO

/// Paths of the copied fixtures and scratch folders for GeoIO tests.
enum Fixture {
    static var root: String { Bundle.module.resourcePath! + "/Fixtures" }
    /// GeoIO's own fixtures, else the shared ones of TestSupport (`nc/`).
    static func path(_ rel: String) -> String {
        let own = root + "/" + rel
        return FileManager.default.fileExists(atPath: own) || !SharedFixtures.exists(rel) ? own : SharedFixtures.path(rel)
    }

    /// A fresh empty folder under the system temporary directory, removed when the test process exits.
    static func scratch(_ name: String = #function) -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = NSTemporaryDirectory() + "soilmap-tests-\(safe)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ScratchFolders.shared.add(dir)
        return dir
    }

    /// Copies the shapefile parts `base.*` from the fixtures into `dir`, returning the new .shp path.
    static func copyShapefile(_ base: String, to dir: String, parts: [String] = ["shp", "shx", "dbf", "prj", "cpg"]) -> String {
        let name = (base as NSString).lastPathComponent
        for ext in parts {
            let src = path(base + "." + ext)
            if FileManager.default.fileExists(atPath: src) {
                try! FileManager.default.copyItem(atPath: src, toPath: dir + "/" + name + "." + ext)
            }
        }
        return dir + "/" + name + ".shp"
    }
}

/// Reads a simple CSV (quoted header and quoted string fields without embedded commas).
func readSimpleCSV(_ path: String) -> [[String: String]] {
    let text = try! String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    let header = lines.removeFirst().split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    return lines.map { line in
        let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        return Dictionary(uniqueKeysWithValues: zip(header, cells))
    }
}

/// The scratch folders of this test process, removed at its exit.
final class ScratchFolders: @unchecked Sendable {
    static let shared: ScratchFolders = {
        atexit { ScratchFolders.shared.removeAll() }
        return ScratchFolders()
    }()
    private let lock = NSLock()
    private var paths: [String] = []

    func add(_ path: String) { lock.withLock { paths.append(path) } }

    func removeAll() {
        lock.withLock {
            for p in paths { try? FileManager.default.removeItem(atPath: p) }
            paths.removeAll()
        }
    }
}

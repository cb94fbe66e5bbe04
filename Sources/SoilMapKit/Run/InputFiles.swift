import Foundation
import GeoIO
import Geostat
import Standards

/// The input files of a project (for hashes): the project file, samples, parcels (with shapefile
/// parts), townships, a user threshold table, crop samples and a user limits table.
func inputFiles(_ p: Project) -> [String] {
    var paths = [URL(fileURLWithPath: p.file).standardizedFileURL.path, p.resolve(p.samples.path), p.resolve(p.parcels.path)]
    if let t = p.townships { paths.append(p.resolve(t.path)) }
    if let m = p.monitoring { paths.append(m.path) }
    if case let .csv(path) = p.standard { paths.append(path) }
    if let c = p.crops {
        paths.append(c.path)
        if c.limits != "gb2762" { paths.append(c.limits) }
    }
    var seen = Set<String>()
    return paths.flatMap(inputFiles(ofDataset:)).filter { seen.insert($0).inserted }
}

/// The files of one dataset: a shapefile's parts (.shp, .shx, .dbf, .prj, .cpg), else the file.
func inputFiles(ofDataset path: String) -> [String] {
    guard path.lowercased().hasSuffix(".shp") else { return [path] }
    let base = String(path.dropLast(4))
    return ["shp", "shx", "dbf", "prj", "cpg"].map { base + "." + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
}

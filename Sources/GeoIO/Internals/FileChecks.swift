import Foundation

/// Checks made before handing a path to GDAL, so common mistakes get a clear message.
enum FileChecks {
    /// Throws `fileNotFound` unless `path` exists (GDAL virtual paths `/vsi…` are passed through).
    static func requireExists(_ path: String) throws(InputError) {
        if path.hasPrefix("/vsi") { return }
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(.fileNotFound, path: path, "no such file or folder; check the path and the working directory")
        }
    }

    /// For a `.shp`, the companion files GDAL needs to read it; throws when `.shx` or `.dbf` is missing.
    static func requireShapefileCompanions(_ path: String) throws(InputError) {
        guard path.lowercased().hasSuffix(".shp") else { return }
        let base = String(path.dropLast(4))
        func exists(_ ext: String) -> Bool {
            FileManager.default.fileExists(atPath: base + "." + ext)
                || FileManager.default.fileExists(atPath: base + "." + ext.uppercased())
        }
        if !exists("shx") {
            throw InputError(.missingCompanionFile, path: path,
                             "the shapefile has no .shx index beside it; copy all parts (.shp, .shx, .dbf, .prj, .cpg) together, or rebuild the index with `ogr2ogr` (SHAPE_RESTORE_SHX=YES)")
        }
        if !exists("dbf") {
            throw InputError(.missingCompanionFile, path: path,
                             "the shapefile has no .dbf attribute table beside it; copy all parts (.shp, .shx, .dbf, .prj, .cpg) together")
        }
    }

    /// The `.cpg` code page declared beside a shapefile, if any, trimmed.
    static func shapefileCodePage(_ path: String) -> String? {
        guard path.lowercased().hasSuffix(".shp") else { return nil }
        let base = String(path.dropLast(4))
        for ext in ["cpg", "CPG"] {
            if let d = FileManager.default.contents(atPath: base + "." + ext),
               let s = String(data: d, encoding: .ascii) ?? String(data: d, encoding: .utf8) {
                let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
                if !t.isEmpty { return t }
            }
        }
        return nil
    }
}

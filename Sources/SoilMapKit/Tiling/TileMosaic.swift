import Foundation
import GeoIO
import GeoTypes
import Standards

/// Reads the tiles' core windows of one raster file name as whole-grid row blocks.
struct TileMosaic {
    let plan: TilePlan
    let folder: String
    static let blockRows = 256

    /// Streams files `names` (one per writer, the same name in every tile's folder) into
    /// `writers`, north to south; `inspect(k, block)` sees each block of file k (class counts).
    func stream(_ names: [String], into writers: [RasterWriter], progress: ProgressReporter,
                inspect: (Int, [Float]) -> Void = { _, _ in }) throws {
        let grid = plan.grid
        for ty in 0..<plan.tileRows {
            let band = plan.tiles[(ty * plan.tileColumns)..<((ty + 1) * plan.tileColumns)]
            // One dataset per tile of this band and file, opened once for the band.
            let bands: [[RasterBand]] = try band.map { t in
                try names.map { try RasterDataset(path: TilePlan.tileFolder(folder, t.index) + "/" + $0).band(1) }
            }
            let core0 = band.first!.core
            var row = core0.firstRow
            while row < core0.endRow {
                let n = min(Self.blockRows, core0.endRow - row)
                for k in names.indices {
                    var block = [Float](repeating: 0, count: n * grid.columns)
                    for (j, t) in band.enumerated() {
                        let v = try bands[j][k].read(column: t.core.firstColumn - t.window.firstColumn, row: row - t.window.firstRow,
                                                     columns: t.core.columns, rows: n)
                        for r in 0..<n {
                            let dst = r * grid.columns + t.core.firstColumn, src = r * t.core.columns
                            for c in 0..<t.core.columns { block[dst + c] = Float(v[src + c]) }
                        }
                    }
                    inspect(k, block)
                    if writers[k].spec.pixelType == .uint8 {
                        try writers[k].write(rows: block.map { UInt8($0) })
                    } else {
                        try writers[k].write(rows: block)
                    }
                }
                row += n
                progress.update(row)
            }
        }
    }
}

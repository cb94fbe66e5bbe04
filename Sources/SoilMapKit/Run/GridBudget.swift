import Foundation
import GeoIO
import GeoTypes

/// Refuses a grid a whole run could not hold, before any work starts, and says why it is so large.
///
/// - Memory model: a run holds about ``runBytesPerCell`` bytes per grid cell at its peak (measured:
///   the sample county, 3,387 × 3,822 = 12.9 M cells at 10 m with 9 variables, peaked at 0.73 GB
///   resident, ≈ 56 B/cell; rounded up).
/// - Limit: 80 % of the machine's physical memory (`sysconf(_SC_PHYS_PAGES)`).
/// - The grid covers the parcels' extent, so a parcel far from the others (a wrong CRS, a
///   coordinate typo) inflates it: the message names the parcel farthest from the median parcel
///   centre when it lies beyond 10 × the median distance.
enum GridBudget {
    static let runBytesPerCell = 64.0

    static var physicalMemory: Double {
        Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func check(_ grid: GridSpec, crs: CRS, projectFile: String, parcels: PolygonLayer, idField: String?,
                      geometries: [Geometry], memory: Double = physicalMemory) throws {
        let cells = Double(grid.columns) * Double(grid.rows)
        let need = cells * runBytesPerCell
        guard need > 0.8 * memory else { return }
        var msg = "grid.resolution \(fmt(grid.cellWidth)) m over the parcels' extent \(grid.extent) in \(crs.shortName) makes a grid of "
            + "\(grid.columns) × \(grid.rows) = \(fmt(cells / 1e6)) million cells, which needs about \(fmt(need / 1_073_741_824)) GiB of memory; "
            + "this machine has \(fmt(memory / 1_073_741_824)) GiB"
        if let outlier = farthestParcel(parcels: parcels, idField: idField, geometries: geometries) {
            msg += "; parcel \(outlier.name) lies \(fmt(outlier.distance / 1000)) km from the middle of the others (\(fmt(outlier.ratio))× the typical distance) — check its coordinates and CRS"
        }
        msg += "; use a coarser grid.resolution, or remove parcels far from the study area"
        throw InputError(.invalidArgument, path: projectFile, msg)
    }

    /// The parcel whose bounding-box centre is farthest from the median centre, if it stands out.
    static func farthestParcel(parcels: PolygonLayer, idField: String?, geometries: [Geometry]) -> (name: String, distance: Double, ratio: Double)? {
        let centres = geometries.compactMap { Extent(enclosing: $0.allCoordinates)?.center }
        guard centres.count >= 3, centres.count == geometries.count else { return nil }
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        let mx = median(centres.map(\.x)), my = median(centres.map(\.y))
        let d = centres.map { (($0.x - mx) * ($0.x - mx) + ($0.y - my) * ($0.y - my)).squareRoot() }
        let typical = median(d)
        guard let i = d.indices.max(by: { d[$0] < d[$1] }), typical > 0, d[i] > 10 * typical else { return nil }
        let idIndex = idField.flatMap { parcels.fieldIndex($0) }
        let name = idIndex.map { "'\(parcels.items[i].values[$0].text)' (feature \(i + 1))" } ?? "feature \(i + 1)"
        return (name, d[i], d[i] / typical)
    }

    private static func fmt(_ v: Double) -> String {
        v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.1f", v) : String(format: "%.2g", v)
    }
}

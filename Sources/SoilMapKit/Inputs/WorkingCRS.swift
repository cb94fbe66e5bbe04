import Foundation
import GeoIO

/// Choice of the working (projected) CRS.
public enum WorkingCRS {
    /// The CGCS2000 3-degree Gauss-Krüger CRS (without zone prefix in the easting) whose
    /// central meridian is nearest `longitude`: EPSG:4534 (CM 75°E) … EPSG:4554 (CM 135°E).
    ///
    /// - Throws: ``InputError`` outside 73.5°E–136.5°E (China's extent).
    public static func gaussKruger(forLongitude lon: Double) throws -> CRS {
        let cm = (lon / 3).rounded() * 3
        guard cm >= 75, cm <= 135 else {
            throw InputError(.unsupported, path: nil,
                             "longitude \(lon) is outside the CGCS2000 Gauss-Krüger zones (75°E–135°E); give the working CRS explicitly (--t-srs)")
        }
        return try CRS(epsg: 4534 + Int((cm - 75) / 3))
    }
}

import ArgumentParser
import Foundation
import GeoIO
import Geostat
import SoilMapKit
import Standards

/// Enumerations with GDAL's spellings as raw values ("DEFLATE", "GTiff"), accepted in any case.
protocol CaseInsensitiveArgument: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension CaseInsensitiveArgument {
    public init?(argument: String) {
        guard let v = Self.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() }) else { return nil }
        self = v
    }
}

extension SurfaceLayout: CaseInsensitiveArgument {}

extension Compression: CaseInsensitiveArgument {}

extension LandUse: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}

extension ParcelRule: ExpressibleByArgument {}

extension AreaMode: ExpressibleByArgument {}

extension BelowDetectionRule: ExpressibleByArgument {}

extension InterpolationMethod: ExpressibleByArgument {}

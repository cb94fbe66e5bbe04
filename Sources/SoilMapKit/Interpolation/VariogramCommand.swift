import Foundation
import Geostat

/// `soilmap variogram`: the sample variogram of a variable and the fitted model.
public func runVariogram(source: SampleSource, settings: InterpolationSettings) throws -> (FittedVariogram, [String]) {
    var warnings: [String] = []
    let (_, v) = try source.load(method: settings.method, warnings: &warnings)
    return (try fitVariogram(v, settings: settings), warnings)
}

import Foundation
import GeoIO
import Geostat
import Zonal

/// Where samples come from and how to read them (shared by interpolate, variogram, cv).
public struct SampleSource: Sendable {
    public var path: String
    public var field: String
    public var layer: String?
    public var xField: String?
    public var yField: String?
    public var sourceCRS: String?
    public var targetCRS: String?
    public var idField: String?
    /// Text encoding of a CSV or shapefile without a declared one (GBK, GB18030 …).
    public var encoding: String?
    /// The round, when the samples are a SoilMap survey database.
    public var round: String?
    public var belowDetection: BelowDetectionRule = .half
    /// Accept negative values (signed variables such as log values or residuals); off for
    /// concentrations, where a negative value is an error.
    public var allowNegative = false

    public init(path: String, field: String) {
        self.path = path
        self.field = field
    }

    /// Reads the table and the variable's samples, collecting warnings.
    public func load(method: InterpolationMethod, warnings: inout [String]) throws -> (SampleTable, VariableSamples) {
        var reader = SampleReader(path: path, layer: layer, xField: xField, yField: yField,
                                  sourceCRS: try sourceCRS.map(CRS.init), idField: idField, encoding: encoding)
        reader.round = round
        let table = try reader.read(targetCRS: try targetCRS.map(CRS.init))
        warnings += table.warnings
        let v = try variableSamples(table, field: field, method: method, rule: belowDetection, allowNegative: allowNegative,
                                    warnings: &warnings)
        return (table, v)
    }
}

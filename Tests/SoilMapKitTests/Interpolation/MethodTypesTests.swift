import Foundation
import GeoIO
import GeoTypes
import Geostat
import SoilMapKit
import Testing

/// Method choice, method labels and raster metadata as types, one spelling everywhere.
@Suite("Method choice and raster metadata")
struct MethodTypesTests {
    @Test("The project file's method names parse to MethodChoice; anything else is refused")
    func methodChoice() {
        #expect(MethodChoice("auto") == .auto)
        #expect(MethodChoice("idw") == .fixed(.idw) && MethodChoice("ok") == .fixed(.ok) && MethodChoice("lok") == .fixed(.lok))
        #expect(MethodChoice("kriging") == nil && MethodChoice("") == nil)
        #expect(MethodChoice.names == ["auto", "idw", "ok", "lok"])
    }

    @Test("Method labels: IDW with its power, kriging in words")
    func labels() {
        var s = InterpolationSettings(method: .idw)
        s.power = 2.5
        #expect(s.methodLabel == "IDW power 2.5")
        s.power = 2
        #expect(s.methodLabel == "IDW power 2")
        #expect(InterpolationSettings(method: .ok).methodLabel == "ordinary kriging")
        #expect(InterpolationSettings(method: .lok).methodLabel == "lognormal kriging")
    }

    @Test("`interpolate` labels its raster's method as `run` does (SOILMAP_METHOD)")
    func interpolateMetadata() throws {
        let dir = ScratchFolder()
        var s = InterpolationSettings(method: .ok)
        s.maxPoints = 12
        _ = try runInterpolate(source: SampleSource(path: fixture("gdal_grid/gdal_points.csv"), field: "id"), settings: s,
                               target: .grid(extent: Extent(minX: 399000, minY: 4001000, maxX: 411000, maxY: 4010000), resolution: nil,
                                             size: (12, 9), outputs: GridOutputs(prediction: dir.file("ok.tif")), mask: nil),
                               threads: 2)
        let md = try RasterDataset(path: dir.file("ok.tif")).metadata()
        #expect(md["SOILMAP_METHOD"] == "ordinary kriging")
        #expect(md["SOILMAP_FIELD"] == "id" && md["SOILMAP_SAMPLES"] == "300")
        #expect(md["SOILMAP_VARIOGRAM"] != nil && md["SOILMAP_IDW_POWER"] == nil)
    }
}

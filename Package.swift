// swift-tools-version: 6.1
// SoilMap: soil-pollution mapping over GDAL and PROJ.
//
// Layers, from the bottom up (each a target below):
//   CGDAL, CPROJ         C bridges (system libraries from Debian's libgdal-dev / libproj-dev)
//   GeoTypes             pure-Swift geometry and grid value types shared by every layer
//   GeoIO                typed wrappers over GDAL/OGR and PROJ; no C type in its public API
//   GeostatKernels       Geostat's SIMD inner loops, also compiled for AVX2 (see below)
//   Geostat              pure-Swift interpolation core (IDW, variograms, kriging, CV)
//   Zonal                pure-Swift exact cell coverage, zonal accumulation and threshold tallies
//   Standards            pure-Swift GB 15618 / GB 36600 thresholds and classification
//   SoilMapKit           the pipeline, one folder per stage (see Sources/SoilMapKit/README.md)
//   soilmap              the thin command-line front end
//   soilmap-fuzz         fuzz targets for the parsers of hand-written inputs (make fuzz)
import PackageDescription

#if arch(x86_64)
// GeostatKernels holds the SIMD inner loops that run for every cell (global IDW sums, the local
// kriging solve). On x86-64 it is compiled for AVX2 with FMA (Haswell, 2013, Zen, 2017, and
// later) so its SIMD lanes fill 256-bit registers and the float32 IDW kernel gets hardware fused
// multiply-adds; Geostat calls that compilation only after checking the CPU at run time
// (Geostat/KernelDispatch.swift) and otherwise inlines the same source compiled for the baseline
// CPU: identical results either way.
let avxKernelSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let avxKernelSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "SoilMap",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "soilmap", targets: ["soilmap"]),
        .library(name: "SoilMapKit", targets: ["SoilMapKit"]),
        .library(name: "GeoIO", targets: ["GeoIO"]),
        .library(name: "Geostat", targets: ["Geostat"]),
        .library(name: "Zonal", targets: ["Zonal"]),
        .library(name: "Standards", targets: ["Standards"]),
        .library(name: "GeoTypes", targets: ["GeoTypes"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // MARK: C bridges
        .systemLibrary(
            name: "CGDAL",
            pkgConfig: "gdal",
            providers: [.apt(["libgdal-dev"]), .brew(["gdal"])]
        ),
        .systemLibrary(
            name: "CPROJ",
            pkgConfig: "proj",
            providers: [.apt(["libproj-dev"]), .brew(["proj"])]
        ),

        // MARK: Pure-Swift value types and numerical cores
        .target(name: "GeoTypes"),
        .target(name: "GeostatKernels", swiftSettings: avxKernelSettings),
        .target(name: "Geostat", dependencies: ["GeoTypes", "GeostatKernels"]),
        .target(name: "Zonal", dependencies: ["GeoTypes", "Standards"]),
        .target(name: "Standards", dependencies: [], resources: [.copy("Resources")]),

        // MARK: Typed wrappers over GDAL and PROJ
        .target(name: "GeoIO", dependencies: ["GeoTypes", "CGDAL", "CPROJ"]),

        // MARK: Pipeline and CLI
        .target(
            name: "SoilMapKit",
            dependencies: [
                "GeoTypes", "GeoIO", "Geostat", "Zonal", "Standards",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["README.md"],
            resources: [.copy("Report/report.css")]
        ),
        .executableTarget(
            name: "soilmap",
            dependencies: [
                "SoilMapKit", "GeoIO", "GeoTypes", "Geostat", "Standards",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fuzz targets for the hand-written inputs (samples CSV, project file, threshold CSV):
        // a replay tool in normal builds, a libFuzzer binary under `make fuzz`.
        .executableTarget(name: "soilmap-fuzz", dependencies: ["SoilMapKit", "GeoIO", "Standards"]),

        // MARK: Tests (each target mirrors its module's folders)
        // Reference fixtures used by several test targets (Meuse with gstat, gdal_grid, North
        // Carolina with sf) and the helpers they share live once, here.
        .target(name: "TestSupport", path: "Tests/TestSupport", exclude: ["Fixtures/README.md"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GeoTypesTests", dependencies: ["GeoTypes"]),
        .testTarget(name: "GeoIOTests", dependencies: ["GeoIO", "GeoTypes", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GeostatTests", dependencies: ["Geostat", "GeostatKernels", "GeoTypes", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ZonalTests", dependencies: ["Zonal", "GeoTypes", "Standards"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StandardsTests", dependencies: ["Standards"]),
        .testTarget(name: "SoilMapKitTests", dependencies: ["SoilMapKit", "GeoIO", "GeoTypes", "Geostat", "Zonal", "Standards", "soilmap", "TestSupport"],
                    resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)

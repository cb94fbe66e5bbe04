// swift-tools-version: 6.1
// SoilMap benchmarks: a separate package so the root `swift build` / `swift test`
// never compile package-benchmark. Run from this directory:
//
//   swift package benchmark                       # all suites
//   swift package benchmark --target GeostatBenchmarks
//
// The side-by-side ratios against gdal_grid, gstat and exactextract are produced by
// `bash Benchmarks/run.sh` (see README.md), not by this package.
import PackageDescription

let package = Package(
    name: "SoilMapBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // The root package, by path. `name:` pins its identity to "SoilMap" whatever the
        // checkout directory is called.
        .package(name: "SoilMap", path: ".."),
        // package-benchmark, under the repository's current name (the legacy URL/identifier
        // "package-benchmark" still resolves but the plugin warns that it will be removed).
        // "MallocInterposer" only: the default "RuntimeInterposer" trait needs
        // ordo-one/swift-runtime-interposer on Linux with Swift 6.3, which we do not use.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "GeostatBenchmarks",
            dependencies: [
                .product(name: "Geostat", package: "SoilMap"),
                .product(name: "GeoTypes", package: "SoilMap"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/GeostatBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ZonalBenchmarks",
            dependencies: [
                .product(name: "Zonal", package: "SoilMap"),
                .product(name: "Geostat", package: "SoilMap"),  // SplitMix64 for the generated parcels
                .product(name: "GeoTypes", package: "SoilMap"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ZonalBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

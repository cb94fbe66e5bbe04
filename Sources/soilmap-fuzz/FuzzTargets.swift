// soilmap-fuzz: fuzz targets for the parsers that read what users write by hand: the
// samples CSV (through GDAL's CSV driver and SoilMap's value parsing), the project file
// (YAML and its validation) and a user threshold table (CSV).
//
// Built two ways:
// - with libFuzzer (`make fuzz`: `-sanitize=fuzzer -D LIBFUZZER`, coverage-guided, no main of
//   its own): SOILMAP_FUZZ_TARGET picks the target (csv, project, thresholds);
// - normally (part of every build): `soilmap-fuzz TARGET FILE…` replays inputs, e.g. a crash
//   file libFuzzer wrote, under the debugger or in a test.
//
// An input passes when the parser returns a value or throws a Swift error; a crash, a trap or
// a hang is a finding.
import Foundation
import GeoIO
import SoilMapKit
import Standards

enum FuzzTarget: String, CaseIterable {
    case csv, project, thresholds

    /// A private scratch folder per process (inputs are written to files: the readers take paths).
    static let scratch: String = {
        let dir = NSTemporaryDirectory() + "soilmap-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    static let workingCRS = try! CRS(epsg: 4547)

    func run(_ bytes: [UInt8]) {
        let data = Data(bytes)
        switch self {
        case .csv:
            let path = Self.scratch + "/samples.csv"
            guard (try? data.write(to: URL(fileURLWithPath: path))) != nil else { return }
            // As `soilmap run` reads samples: declared lon/lat, transformed to a GK zone, then
            // every column parsed as a concentration.
            for crs in [nil, "EPSG:4326"] as [String?] {
                let reader = SampleReader(path: path, sourceCRS: crs.flatMap { try? CRS($0) }, allowUnknownCRS: true,
                                          names: .projectFile)
                guard let table = try? reader.read(targetCRS: crs == nil ? nil : Self.workingCRS) else { continue }
                for field in table.source.fields {
                    var warnings: [String] = []
                    for rule in BelowDetectionRule.allCases {
                        _ = try? table.values(of: field.name, rule: rule, warnings: &warnings)
                    }
                }
            }
        case .project:
            let path = Self.scratch + "/project.yaml"
            guard (try? data.write(to: URL(fileURLWithPath: path))) != nil else { return }
            _ = try? Project.load(path: path)
        case .thresholds:
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? ThresholdTable(csv: text, source: "fuzz.csv")
            _ = try? ThresholdTable(gb36600CSV: text, class: .class1, source: "fuzz.csv")
        }
    }
}

#if LIBFUZZER
/// libFuzzer's entry point for a program that keeps its own `main` (SwiftPM names every
/// executable's entry point itself, so libFuzzer's `main` cannot be used).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The target chosen by SOILMAP_FUZZ_TARGET, read once.
nonisolated(unsafe) var fuzzTarget: FuzzTarget = .csv

@main
struct FuzzMain {
    static func main() {
        let name = ProcessInfo.processInfo.environment["SOILMAP_FUZZ_TARGET"] ?? ""
        guard let t = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("set SOILMAP_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))\n".utf8))
            exit(2)
        }
        fuzzTarget = t
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            fuzzTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
    }
}
#else
@main
struct FuzzReplay {
    static func main() {
        let args = CommandLine.arguments.dropFirst()
        guard let name = args.first, let target = FuzzTarget(rawValue: name), args.count >= 2 else {
            print("usage: soilmap-fuzz csv|project|thresholds FILE…  (replays inputs; `make fuzz` builds the libFuzzer version)")
            exit(64)
        }
        for file in args.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else { print("\(file): cannot be read"); exit(1) }
            target.run([UInt8](data))
            print("\(file): ok")
        }
        try? FileManager.default.removeItem(atPath: FuzzTarget.scratch)
    }
}
#endif

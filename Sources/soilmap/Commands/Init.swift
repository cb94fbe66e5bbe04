import ArgumentParser
import Foundation
import Logging
import SoilMapKit

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a commented project-file template.")

    @Option(name: .shortAndLong, help: "Where to write it.")
    var output: String = "soilmap.yaml"

    @OptionGroup var overwriteOption: OverwriteOption
    var overwrite: Bool { overwriteOption.overwrite }

    func run() throws {
        try runReportingErrors {
            let files = OutputFiles(overwrite: overwrite)
            try files.write(Data(Project.template.utf8), to: output)
            try files.commit()
            print("Wrote \(output); edit the paths and run: soilmap run \(output)")
        }
    }
}

import ArgumentParser
import Foundation
import Logging
import SoilMapKit

/// Logs to standard error: warnings and errors, every step with `verbose`.
func bootstrapLogging(verbose: Bool) -> Logger {
    let level: Logger.Level = verbose ? .debug : .warning
    LoggingSystem.bootstrap { label in
        var h = StreamLogHandler.standardError(label: label)
        h.logLevel = level
        return h
    }
    return Logger(label: "soilmap")
}

/// The progress reporter and logging of a tiled-run command.
func reporter(quiet: Bool) -> ProgressReporter {
    ProgressReporter.automatic(quiet: quiet, logger: bootstrapLogging(verbose: false))
}

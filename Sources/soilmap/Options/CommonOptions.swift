import ArgumentParser

// The options every command that writes, computes in parallel or reports progress shares,
// declared once each so their names and help read the same everywhere.

/// `--overwrite`: replace what the command would otherwise refuse to overwrite.
struct OverwriteOption: ParsableArguments {
    @Flag(help: "Replace existing outputs.")
    var overwrite = false
}

/// `--threads N`: worker threads.
struct ThreadsOption: ParsableArguments {
    @Option(help: "Worker threads (default: all cores). Results are identical for any count.")
    var threads: Int?
}

/// `-q/--quiet`: no progress output.
struct QuietOption: ParsableArguments {
    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false
}

/// The options of the project commands (`run`, `plan`, `tile`, `merge`): `--overwrite`,
/// `--threads`, `-q/--quiet`.
struct RunControlOptions: ParsableArguments {
    @OptionGroup var overwriteOption: OverwriteOption
    @OptionGroup var threadsOption: ThreadsOption
    @OptionGroup var quietOption: QuietOption

    var overwrite: Bool { overwriteOption.overwrite }
    var threads: Int? { threadsOption.threads }
    var quiet: Bool { quietOption.quiet }
}

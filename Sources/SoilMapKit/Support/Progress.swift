import Foundation
import Logging

/// Reports the progress of a run: a bar per stage on a terminal (percent, rate, time
/// left), plain lines otherwise, nothing with `quiet`. Messages go to standard error.
public final class ProgressReporter: @unchecked Sendable {
    public enum Style: Sendable { case bar, lines, quiet }
    public let style: Style
    public let logger: Logger
    private var stage = ""
    private var start = Date()
    private var lastDraw = Date.distantPast
    private var total = 0
    private var unit = ""
    private let lock = NSLock()

    public init(style: Style, logger: Logger) {
        self.style = style
        self.logger = logger
    }

    /// `bar` when standard error is a terminal, else `lines` (or `quiet`).
    public static func automatic(quiet: Bool, logger: Logger) -> ProgressReporter {
        if quiet { return ProgressReporter(style: .quiet, logger: logger) }
        return ProgressReporter(style: isatty(STDERR_FILENO) != 0 ? .bar : .lines, logger: logger)
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    /// Starts a stage of `total` units (0: no bar, just a line).
    public func begin(_ name: String, total: Int = 0, unit: String = "") {
        lock.lock(); defer { lock.unlock() }
        stage = name
        start = Date()
        self.total = total
        self.unit = unit
        logger.info("\(name)")
        if style == .lines { write("soilmap: \(name)…\n") }
    }

    /// Reports that `done` of the stage's units are finished.
    public func update(_ done: Int) {
        guard style == .bar, total > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || done >= total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let frac = min(Double(done) / Double(total), 1)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let width = 28
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        write(String(format: "\r\u{1B}[K%@ %@ %5.1f%% %@ %@, %@ left", stage, bar, frac * 100,
                     Self.formatRate(rate), unit, Self.formatDuration(left)))
    }

    /// Ends the stage, printing its duration; returns it in seconds.
    @discardableResult
    public func end(_ detail: String = "") -> Double {
        lock.lock(); defer { lock.unlock() }
        let t = Date().timeIntervalSince(start)
        logger.info("\(stage) done in \(String(format: "%.2f", t)) s \(detail)")
        switch style {
        case .bar: write("\r\u{1B}[K✓ \(stage) (\(Self.formatDuration(t)))\(detail.isEmpty ? "" : " — " + detail)\n")
        case .lines: write("soilmap: \(stage) done in \(Self.formatDuration(t))\(detail.isEmpty ? "" : " — " + detail)\n")
        case .quiet: break
        }
        return t
    }

    /// A note to the user (always shown unless quiet).
    public func note(_ s: String) {
        logger.notice("\(s)")
        if style != .quiet { write("soilmap: note: \(s)\n") }
    }

    static func formatDuration(_ s: Double) -> String {
        if s < 60 { return String(format: "%.1f s", s) }
        return String(format: "%d min %02d s", Int(s) / 60, Int(s) % 60)
    }

    static func formatRate(_ r: Double) -> String {
        if r >= 1e6 { return String(format: "%.2fM", r / 1e6) }
        if r >= 1e3 { return String(format: "%.1fk", r / 1e3) }
        return String(format: "%.0f", r)
    }
}

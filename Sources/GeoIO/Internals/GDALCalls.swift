import CGDAL

// Every GDAL call site that can fail goes through the helpers here. The failure
// convention of each C call is noted where it is made.

/// GDAL's one-time registration of drivers and process-wide settings.
enum GDALRuntime {
    /// `GDALAllRegister` runs exactly once, on first use (a `static let` initialiser is
    /// run once, thread-safely, by the Swift runtime).
    private static let registration: Void = {
        // Makes OSR accept "EPSG:4547" in OSRSetFromUserInput without network access,
        // and keeps GDAL from writing .aux.xml files next to inputs we only read.
        CPLSetConfigOption("GDAL_PAM_ENABLED", "YES")
        CPLSetConfigOption("OGR_CT_FORCE_TRADITIONAL_GIS_ORDER", "YES")
        GDALAllRegister()
    }()

    static func ensureRegistered() { _ = registration }

    /// "3.6.2" style version of the linked GDAL.
    static var version: String { String(cString: GDALVersionInfo("RELEASE_NAME")) }
}

/// One GDAL diagnostic captured during a call.
struct GDALMessage: Sendable, Equatable {
    enum Severity: Sendable { case debug, warning, failure, fatal }
    var severity: Severity
    var number: Int32
    var text: String
}

/// Collects the `CPLError` messages raised on this thread while it is installed.
final class GDALErrorCollector {
    var messages: [GDALMessage] = []
    var failures: [String] { messages.filter { $0.severity == .failure || $0.severity == .fatal }.map(\.text) }
    var warnings: [String] { messages.filter { $0.severity == .warning }.map(\.text) }
    var all: [String] { messages.filter { $0.severity != .debug }.map(\.text) }
}

private let collectingHandler: CPLErrorHandler = { cls, num, msg in
    guard let ud = CPLGetErrorHandlerUserData() else { return }
    let collector = Unmanaged<GDALErrorCollector>.fromOpaque(ud).takeUnretainedValue()
    let severity: GDALMessage.Severity
    switch cls {
    case CE_Debug, CE_None: severity = .debug
    case CE_Warning: severity = .warning
    case CE_Fatal: severity = .fatal
    default: severity = .failure
    }
    collector.messages.append(GDALMessage(severity: severity, number: num, text: msg.map { String(cString: $0) } ?? ""))
}

/// Runs `body` with a thread-local GDAL error handler that records every message, so a
/// failure can carry GDAL's own text. Handlers are per thread in GDAL
/// (`CPLPushErrorHandlerEx`), so concurrent workers each capture their own.
func withGDALErrors<T>(_ body: (GDALErrorCollector) throws -> T) rethrows -> T {
    GDALRuntime.ensureRegistered()
    let collector = GDALErrorCollector()
    let ud = Unmanaged.passUnretained(collector).toOpaque()
    CPLPushErrorHandlerEx(collectingHandler, ud)
    defer { CPLPopErrorHandler() }
    return try withExtendedLifetime(collector) { try body(collector) }
}

/// A NULL-terminated C string list (`char **`) built from Swift strings, freed on deinit.
final class CStringList {
    private(set) var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

    init(_ strings: [String]) {
        var p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        for s in strings { p = CSLAddString(p, s) }  // CSLAddString never fails (aborts on OOM)
        pointer = p
    }

    convenience init(_ options: [String: String]) {
        self.init(options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
    }

    /// The list as `const char * const *`, for calls that take it so.
    var constPointer: UnsafePointer<UnsafePointer<CChar>?>? {
        pointer.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
    }

    deinit { CSLDestroy(pointer) }
}

/// Reads a GDAL-owned `char **` into Swift strings without freeing it.
func stringsFromCSL(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
    guard let list else { return [] }
    var out: [String] = []
    var i = 0
    while let s = list[i] { out.append(String(cString: s)); i += 1 }
    return out
}

/// A GDAL-owned `KEY=VALUE` list (metadata) as a dictionary, without freeing it.
func keyValues(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String: String] {
    var out: [String: String] = [:]
    for item in stringsFromCSL(list) {
        if let eq = item.firstIndex(of: "=") { out[String(item[..<eq])] = String(item[item.index(after: eq)...]) }
    }
    return out
}

/// Takes ownership of a string GDAL allocated with CPLMalloc and frees it with `CPLFree`.
func takeCPLString(_ p: UnsafeMutablePointer<CChar>?) -> String? {
    guard let p else { return nil }
    defer { VSIFree(p) }
    return String(cString: p)
}

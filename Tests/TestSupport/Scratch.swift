import Foundation

/// A fresh folder under the system temporary folder, removed when the value is released.
public final class ScratchFolder: @unchecked Sendable {
    public let path: String
    public init(_ label: String = #function) {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "soilmapkit-\(safe.prefix(40))-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    public func file(_ name: String) -> String { path + "/" + name }
    /// The names in the folder (hidden ones included), sorted.
    public var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

// MARK: Approximate comparison

/// Relative difference |a − b| / |b| (absolute when b is 0).
public func relativeDifference(_ a: Double, _ b: Double) -> Double {
    b == 0 ? abs(a) : abs(a - b) / abs(b)
}

/// Worst relative difference over paired values, with the index where it occurs.
public func worstRelative(_ a: [Double], _ b: [Double]) -> (value: Double, index: Int) {
    precondition(a.count == b.count)
    var worst = (0.0, -1)
    for i in a.indices {
        let d = relativeDifference(a[i], b[i])
        if !(d <= worst.0) { worst = (d, i) }  // NaN counts as worst
    }
    return worst
}

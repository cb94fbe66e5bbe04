/// A management class, as stored in class rasters (`UInt8`).
///
/// | code | GB 15618 (farmland) | GB 36600 (construction land) |
/// | --- | --- | --- |
/// | 0 | 无数据 No data | 无数据 No data |
/// | 1 | 优先保护类 Priority protection (C ≤ screening) | 风险可忽略 Risk negligible |
/// | 2 | 安全利用类 Safe utilization (screening < C ≤ intervention) | 需详细调查与风险评估 Investigate and assess |
/// | 3 | 严格管控类 Strict control (C > intervention) | 需管控或修复 Control or remediate |
///
/// Higher codes are worse; `Comparable` follows the code.
public enum SoilClass: UInt8, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case nodata = 0
    case priorityProtection = 1
    case safeUtilization = 2
    case strictControl = 3

    public static func < (a: SoilClass, b: SoilClass) -> Bool { a.rawValue < b.rawValue }

    /// Chinese name under `standard`.
    public func chineseName(_ standard: StandardKind = .farmland) -> String {
        switch (self, standard) {
        case (.nodata, _): return "无数据"
        case (.priorityProtection, .farmland): return "优先保护类"
        case (.safeUtilization, .farmland): return "安全利用类"
        case (.strictControl, .farmland): return "严格管控类"
        case (.priorityProtection, .constructionLand): return "风险可忽略"
        case (.safeUtilization, .constructionLand): return "需详细调查与风险评估"
        case (.strictControl, .constructionLand): return "需管控或修复"
        }
    }

    /// English name under `standard`.
    public func englishName(_ standard: StandardKind = .farmland) -> String {
        switch (self, standard) {
        case (.nodata, _): return "No data"
        case (.priorityProtection, .farmland): return "Priority protection"
        case (.safeUtilization, .farmland): return "Safe utilization"
        case (.strictControl, .farmland): return "Strict control"
        case (.priorityProtection, .constructionLand): return "Risk negligible"
        case (.safeUtilization, .constructionLand): return "Investigate and assess"
        case (.strictControl, .constructionLand): return "Control or remediate"
        }
    }

    /// "1 优先保护类 Priority protection": code, Chinese and English names, for legends and
    /// raster category names.
    public func label(_ standard: StandardKind = .farmland) -> String {
        "\(rawValue) \(chineseName(standard)) \(englishName(standard))"
    }

    /// Display colour: green, yellow, red; transparent for nodata.
    ///
    /// The usual traffic-light colours of Chinese soil-class maps: class 1 (0, 176, 80)
    /// is the "green" of the Office palette, class 2 pure yellow, class 3 pure red.
    public var colour: RGBAColour {
        switch self {
        case .nodata: return RGBAColour(red: 0, green: 0, blue: 0, alpha: 0)
        case .priorityProtection: return RGBAColour(red: 0, green: 176, blue: 80)
        case .safeUtilization: return RGBAColour(red: 255, green: 255, blue: 0)
        case .strictControl: return RGBAColour(red: 255, green: 0, blue: 0)
        }
    }

    public var description: String { label() }

    /// Legend for a class raster: one entry per code 0…3 (for a GDAL colour table and
    /// category names).
    public static func legend(_ standard: StandardKind = .farmland) -> [ClassLegendEntry] {
        allCases.map { ClassLegendEntry(code: $0.rawValue, colour: $0.colour, chineseName: $0.chineseName(standard),
                                        englishName: $0.englishName(standard), label: $0.label(standard)) }
    }
}

/// An 8-bit RGBA colour (GDAL colour-table entry order).
public struct RGBAColour: Hashable, Sendable {
    public var red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8
    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }
}

/// One legend row for a class raster.
public struct ClassLegendEntry: Hashable, Sendable {
    public var code: UInt8
    public var colour: RGBAColour
    public var chineseName: String
    public var englishName: String
    /// "1 优先保护类 Priority protection".
    public var label: String
}

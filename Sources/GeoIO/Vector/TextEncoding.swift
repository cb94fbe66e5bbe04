/// A text encoding of attribute data, spelled for GDAL's recoding (iconv names).
///
/// Accepts the common spellings: `UTF-8`, `utf8`, `65001`; `GBK`, `CP936`, `936`,
/// `GB2312` (read as its superset CP936); `GB18030`, `54936`; other names pass
/// through to iconv unchanged (`CP1252`, `ISO-8859-1`, `BIG5` …).
public struct TextEncoding: Sendable, Hashable, CustomStringConvertible {
    /// The iconv name passed to GDAL.
    public let name: String

    public init(_ spelling: String) {
        let s = spelling.trimmingCharacters(in: .whitespacesAndNewlines)
        let k = s.uppercased().replacingOccurrences(of: "_", with: "-")
        switch k {
        case "UTF-8", "UTF8", "65001", "UTF-8-BOM": name = "UTF-8"
        case "GBK", "CP936", "CP-936", "936", "GB2312", "GB-2312", "EUC-CN", "MS936", "WINDOWS-936", "ANSI 936": name = "CP936"
        case "GB18030", "GB-18030", "54936", "CP54936": name = "GB18030"
        default:
            if let n = Int(k) { name = "CP\(n)" } else { name = s }
        }
    }

    public static let utf8 = TextEncoding("UTF-8")
    public static let gbk = TextEncoding("CP936")
    public var isUTF8: Bool { name == "UTF-8" }
    public var description: String { name }
}

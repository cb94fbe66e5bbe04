import Foundation
import GeoIO
import GeoTypes
import Standards

/// A standard chosen by name or a user threshold CSV.
public enum StandardChoice: Sendable, Equatable {
    case gb15618, gb36600Class1, gb36600Class2
    case csv(path: String)

    /// Parses `gb15618`, `gb36600-1`, `gb36600-2` or the path of a threshold CSV.
    public init(_ s: String) {
        switch s.lowercased() {
        case "gb15618", "gb15618-2018": self = .gb15618
        case "gb36600-1", "gb36600-class1", "gb36600_1": self = .gb36600Class1
        case "gb36600-2", "gb36600-class2", "gb36600_2": self = .gb36600Class2
        default: self = .csv(path: s)
        }
    }

    public var name: String {
        switch self {
        case .gb15618: return "GB 15618-2018"
        case .gb36600Class1: return "GB 36600-2018 class 1 land"
        case .gb36600Class2: return "GB 36600-2018 class 2 land"
        case .csv(let p): return p
        }
    }

    /// Loads the threshold table.
    public func table() throws -> ThresholdTable {
        switch self {
        case .gb15618: return .gb15618()
        case .gb36600Class1: return .gb36600(class: .class1)
        case .gb36600Class2: return .gb36600(class: .class2)
        case .csv(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputError(.fileNotFound, path: path, "is not a standard name (gb15618, gb36600-1, gb36600-2) nor an existing threshold CSV")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw InputError(.encoding, path: path, "the threshold CSV must be UTF-8 text")
            }
            return try ThresholdTable(csv: text, source: path)
        }
    }

}

/// A pollutant named as in a threshold table (`Cd`, `Hg`, `Cr(VI)`, `benzo[a]pyrene` …).
///
/// Names compare case-insensitively (`cd`, `Cd` and `CD` are the same pollutant);
/// ``name`` keeps the spelling it was created with, and ``ThresholdTable`` hands out its
/// own spelling.
public struct Pollutant: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String
    @usableFromInline let key: String

    public init(_ name: String) {
        let t = name.trimmingWhitespace()
        self.name = t
        self.key = t.lowercased()
    }

    public init(stringLiteral value: String) { self.init(value) }

    public static func == (a: Pollutant, b: Pollutant) -> Bool { a.key == b.key }
    public func hash(into h: inout Hasher) { h.combine(key) }
    public var description: String { name }

    public static let cadmium = Pollutant("Cd")
    public static let mercury = Pollutant("Hg")
    public static let arsenic = Pollutant("As")
    public static let lead = Pollutant("Pb")
    public static let chromium = Pollutant("Cr")
    public static let copper = Pollutant("Cu")
    public static let nickel = Pollutant("Ni")
    public static let zinc = Pollutant("Zn")

    /// The GB 15618-2018 pollutants with an intervention value (Table 3): Cd, Hg, As, Pb, Cr.
    /// The default set of counted pollutants.
    public static let gb15618WithIntervention: [Pollutant] = [.cadmium, .mercury, .arsenic, .lead, .chromium]
    /// GB 15618-2018 Table 1 items without an intervention value: Cu, Ni, Zn. Counted only
    /// on request; alone they give at most class 2.
    public static let gb15618ScreeningOnly: [Pollutant] = [.copper, .nickel, .zinc]

    /// Parses a comma-separated list such as `"cd,hg,As"`; empty items are skipped.
    public static func list(parsing s: String) -> [Pollutant] {
        s.split(separator: ",").map { Pollutant(String($0)) }.filter { !$0.name.isEmpty }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace || f == "\u{FEFF}" { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

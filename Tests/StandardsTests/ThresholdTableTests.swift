import Testing
@testable import Standards

/// Independent copy of the GB 15618-2018 table (the standards folder's gb15618-2018.csv, 2026-11; sources in Sources/Standards/Resources/SOURCES.md), parsed here with a
/// plain split, to check that the bundled table says exactly the same.
let gb15618Copy = """
pollutant,land_use,ph_min_exclusive,ph_max_inclusive,screening_mg_per_kg,intervention_mg_per_kg
Cd,paddy,,5.5,0.3,1.5
Cd,paddy,5.5,6.5,0.4,2.0
Cd,paddy,6.5,7.5,0.6,3.0
Cd,paddy,7.5,,0.8,4.0
Cd,other,,5.5,0.3,1.5
Cd,other,5.5,6.5,0.3,2.0
Cd,other,6.5,7.5,0.3,3.0
Cd,other,7.5,,0.6,4.0
Hg,paddy,,5.5,0.5,2.0
Hg,paddy,5.5,6.5,0.5,2.5
Hg,paddy,6.5,7.5,0.6,4.0
Hg,paddy,7.5,,1.0,6.0
Hg,other,,5.5,1.3,2.0
Hg,other,5.5,6.5,1.8,2.5
Hg,other,6.5,7.5,2.4,4.0
Hg,other,7.5,,3.4,6.0
As,paddy,,5.5,30,200
As,paddy,5.5,6.5,30,150
As,paddy,6.5,7.5,25,120
As,paddy,7.5,,20,100
As,other,,5.5,40,200
As,other,5.5,6.5,40,150
As,other,6.5,7.5,30,120
As,other,7.5,,25,100
Pb,paddy,,5.5,80,400
Pb,paddy,5.5,6.5,100,500
Pb,paddy,6.5,7.5,140,700
Pb,paddy,7.5,,240,1000
Pb,other,,5.5,70,400
Pb,other,5.5,6.5,90,500
Pb,other,6.5,7.5,120,700
Pb,other,7.5,,170,1000
Cr,paddy,,5.5,250,800
Cr,paddy,5.5,6.5,250,850
Cr,paddy,6.5,7.5,300,1000
Cr,paddy,7.5,,350,1300
Cr,other,,5.5,150,800
Cr,other,5.5,6.5,150,850
Cr,other,6.5,7.5,200,1000
Cr,other,7.5,,250,1300
Cu,orchard,,5.5,150,
Cu,orchard,5.5,6.5,150,
Cu,orchard,6.5,7.5,200,
Cu,orchard,7.5,,200,
Cu,other,,5.5,50,
Cu,other,5.5,6.5,50,
Cu,other,6.5,7.5,100,
Cu,other,7.5,,100,
Ni,any,,5.5,60,
Ni,any,5.5,6.5,70,
Ni,any,6.5,7.5,100,
Ni,any,7.5,,190,
Zn,any,,5.5,200,
Zn,any,5.5,6.5,200,
Zn,any,6.5,7.5,250,
Zn,any,7.5,,300,
BHC_total,any,,,0.10,
DDT_total,any,,,0.10,
benzo[a]pyrene,any,,,0.55,
"""

/// Independent copy of the GB 36600-2018 table (gb36600-2018.csv of the standards folder).
let gb36600Copy = """
pollutant,cas,class1_screening,class2_screening,class1_intervention,class2_intervention
As,7440-38-2,20,60,120,140
Cd,7440-43-9,20,65,47,172
Cr(VI),18540-29-9,3.0,5.7,30,78
Cu,7440-50-8,2000,18000,8000,36000
Pb,7439-92-1,400,800,800,2500
Hg,7439-97-6,8,38,33,82
Ni,7440-02-0,150,900,600,2000
Sb,7440-36-0,20,180,40,360
Be,7440-41-7,15,29,98,290
Co,7440-48-4,20,70,190,350
methylmercury,22967-92-6,5.0,45,10,120
V,7440-62-2,165,752,330,1500
cyanide,57-12-5,22,135,44,270
benzo[a]pyrene,50-32-8,0.55,1.5,5.5,15
"""

@Suite("Threshold tables")
struct ThresholdTableTests {
    let t = ThresholdTable.gb15618()

    @Test func everyGB15618ValueMatchesTheCSVCopy() throws {
        let lines = gb15618Copy.split(separator: "\n").dropFirst()
        #expect(lines.count == t.rows.count)
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let lu: LandUse? = f[1] == "any" ? nil : LandUse(rawValue: f[1])!
            let row = t.rows.first {
                $0.pollutant.name == f[0] && $0.landUse == lu
                    && $0.phMinExclusive == Double(f[2]) && $0.phMaxInclusive == Double(f[3])
            }
            let r = try #require(row, "row \(line)")
            #expect(r.threshold.screening == Double(f[4])!, "\(line)")
            #expect(r.threshold.intervention == Double(f[5]), "\(line)")
        }
    }

    @Test(arguments: [ConstructionLandClass.class1, .class2])
    func everyGB36600ValueMatchesTheCSVCopy(landClass: ConstructionLandClass) throws {
        let t = ThresholdTable.gb36600(class: landClass)
        #expect(t.kind == .constructionLand(landClass))
        #expect(!t.dependsOnPH)
        let lines = gb36600Copy.split(separator: "\n").dropFirst()
        #expect(lines.count == t.rows.count)
        for line in lines {
            let f = line.split(separator: ",").map(String.init)
            let th = try t.threshold(for: Pollutant(f[0]), landUse: .other, pH: nil)
            #expect(th.screening == Double(landClass == .class1 ? f[2] : f[3])!, "\(line)")
            #expect(th.intervention == Double(landClass == .class1 ? f[4] : f[5])!, "\(line)")
        }
    }

    /// Spot checks written by hand from the standard's tables (README §1–2).
    @Test(arguments: [
        ("Cd", LandUse.paddy, 6.0, 0.4, 2.0 as Double?), ("Cd", .other, 8.0, 0.6, 4.0), ("As", .other, 7.0, 30, 120),
        ("As", .paddy, 8.0, 20, 100), ("Pb", .paddy, 5.0, 80, 400), ("Hg", .other, 7.6, 3.4, 6.0),
        ("Cr", .paddy, 7.0, 300, 1000), ("Cu", .orchard, 5.0, 150, nil), ("Cu", .paddy, 7.0, 100, nil),
        ("Cu", .other, 6.0, 50, nil), ("Ni", .paddy, 8.0, 190, nil), ("Zn", .orchard, 6.0, 200, nil),
        ("Cd", .orchard, 6.0, 0.3, 2.0), ("BHC_total", .paddy, 4.0, 0.10, nil), ("benzo[a]pyrene", .other, 9.0, 0.55, nil),
    ] as [(String, LandUse, Double, Double, Double?)])
    func handSpotChecks(_ p: String, _ lu: LandUse, _ pH: Double, _ s: Double, _ i: Double?) throws {
        let th = try t.threshold(for: Pollutant(p), landUse: lu, pH: pH)
        #expect(th == Threshold(screening: s, intervention: i))
    }

    @Test func gb36600SpotChecks() throws {
        let c1 = ThresholdTable.gb36600(class: .class1), c2 = ThresholdTable.gb36600(class: .class2)
        #expect(try c2.threshold(for: "Cr(VI)", landUse: .other, pH: nil) == Threshold(screening: 5.7, intervention: 78))
        #expect(try c1.threshold(for: "as", landUse: .other, pH: nil) == Threshold(screening: 20, intervention: 120))
        #expect(try c2.threshold(for: "CD", landUse: .other, pH: nil) == Threshold(screening: 65, intervention: 172))
        #expect(try c1.threshold(for: "methylmercury", landUse: .other, pH: nil) == Threshold(screening: 5.0, intervention: 10))
    }

    /// Band limits belong to the lower band: pH ≤ 5.5, 5.5 < pH ≤ 6.5, 6.5 < pH ≤ 7.5, pH > 7.5.
    @Test(arguments: [(0.0, 0.3), (5.5, 0.3), (5.51, 0.4), (6.5, 0.4), (6.51, 0.6), (7.5, 0.6), (7.51, 0.8), (14, 0.8)])
    func pHBandLimits(pH: Double, screening: Double) throws {
        #expect(try t.threshold(for: .cadmium, landUse: .paddy, pH: pH).screening == screening)
    }

    /// Rotation takes min(paddy, other) value by value; the stricter side differs by metal.
    @Test(arguments: [
        ("Cd", 6.0, 0.3, 2.0 as Double?), ("Cd", 8.0, 0.6, 4.0), ("Pb", 7.0, 120, 700), ("Hg", 7.0, 0.6, 4.0),
        ("As", 8.0, 20, 100), ("As", 5.0, 30, 200), ("Cr", 5.0, 150, 800), ("Cu", 7.0, 100, nil), ("Ni", 7.0, 100, nil),
    ] as [(String, Double, Double, Double?)])
    func rotationTakesTheStricterValue(_ p: String, _ pH: Double, _ s: Double, _ i: Double?) throws {
        #expect(try t.threshold(for: Pollutant(p), landUse: .rotation, pH: pH) == Threshold(screening: s, intervention: i))
    }

    @Test func pollutantNamesAreCaseInsensitive() throws {
        #expect(Pollutant("cd") == .cadmium && Pollutant(" CD ") == .cadmium)
        #expect(Set([Pollutant("hg"), Pollutant("Hg")]).count == 1)
        #expect(t.canonical("pB")?.name == "Pb")
        #expect(Pollutant.list(parsing: "cd, HG,,as") == [.cadmium, .mercury, .arsenic])
    }

    @Test func errorsForMissingThresholds() {
        #expect(throws: StandardsError.noThreshold(pollutant: "Sb", landUse: "paddy", source: "GB 15618-2018")) {
            try t.threshold(for: "Sb", landUse: .paddy, pH: 6)
        }
        #expect(throws: StandardsError.pHRequired(source: "GB 15618-2018")) {
            try t.threshold(for: .cadmium, landUse: .paddy, pH: nil)
        }
    }
}

import Testing
@testable import Standards

@Suite("User threshold CSV")
struct UserCSVTests {
    @Test func goodFileWithReorderedColumnsBOMCRLFQuotesAndComments() throws {
        let csv = "\u{FEFF}land_use,pollutant,ph_min_exclusive,ph_max_inclusive,screening_mg_per_kg,intervention_mg_per_kg,note\r\n"
            + "# local values\r\n"
            + "other,cd,,6.5,0.25,1.0,\"from a, local standard\"\r\n"
            + "\r\n"
            + "other,cd,6.5,,0.5,2.5,\r\n"
            + "any,Zn,,,150,,\r\n"
        let t = try ThresholdTable(csv: csv, source: "local.csv")
        #expect(t.rows.count == 3)
        #expect(t.kind == .farmland)
        #expect(try t.threshold(for: .cadmium, landUse: .paddy, pH: 6.5) == Threshold(screening: 0.25, intervention: 1.0))
        #expect(try t.threshold(for: .cadmium, landUse: .rotation, pH: 7) == Threshold(screening: 0.5, intervention: 2.5))
        #expect(try t.threshold(for: .zinc, landUse: .orchard, pH: 7) == Threshold(screening: 150, intervention: nil))
        #expect(t.rows[0].line == 3)
    }

    static let header = "pollutant,land_use,ph_min_exclusive,ph_max_inclusive,screening_mg_per_kg,intervention_mg_per_kg\n"

    @Test func missingColumn() {
        #expect(throws: StandardsError.missingColumn("screening_mg_per_kg", source: "bad.csv")) {
            try ThresholdTable(csv: "pollutant,land_use,ph_min_exclusive,ph_max_inclusive,intervention_mg_per_kg\nCd,other,,,1\n",
                               source: "bad.csv")
        }
    }

    @Test func nonNumericValueNamesTheRow() {
        let csv = Self.header + "Cd,other,,5.5,0.3,1.5\nCd,other,5.5,,abc,2.0\n"
        #expect(throws: StandardsError.invalidNumber("abc", column: "screening_mg_per_kg", line: 3, source: "bad.csv")) {
            try ThresholdTable(csv: csv, source: "bad.csv")
        }
        let e = StandardsError.invalidNumber("abc", column: "screening_mg_per_kg", line: 3, source: "bad.csv")
        #expect(e.description == "bad.csv:3: column 'screening_mg_per_kg': 'abc' is not a number")
    }

    @Test(arguments: [
        ("Cd,rice,,,0.3,1.5\n", StandardsError.unknownLandUse("rice", line: 2, source: "bad.csv")),
        ("Cd,other,,,,1.5\n", .missingValue(column: "screening_mg_per_kg", line: 2, source: "bad.csv")),
        ("Cd,other,,,0.3\n", .wrongFieldCount(line: 2, expected: 6, found: 5, source: "bad.csv")),
        ("Cd,other,,,3,1.5\n", .interventionBelowScreening(pollutant: "Cd", line: 2, source: "bad.csv")),
        ("Cd,other,,6.5,0.3,1.5\nCd,other,6.0,,0.4,2\n", .overlappingPHBands(pollutant: "Cd", landUse: "other", line: 3, source: "bad.csv")),
        ("", .emptyTable(source: "bad.csv")),
        ("Cd,other,,,inf,\n", .invalidNumber("inf", column: "screening_mg_per_kg", line: 2, source: "bad.csv")),
    ] as [(String, StandardsError)])
    func badFiles(_ body: String, _ error: StandardsError) {
        #expect(throws: error) { try ThresholdTable(csv: Self.header + body, source: "bad.csv") }
    }

    @Test func landUseMapping() throws {
        let m = try LandUseMapping(parse: "水田=paddy, 旱地=other，果园:orchard,水旱轮作=Rotation")
        #expect(m.landUse(for: "水田") == .paddy)
        #expect(m.landUse(for: " 旱地 ") == .other)
        #expect(m.landUse(for: "果园") == .orchard)
        #expect(m.landUse(for: "水旱轮作") == .rotation)
        #expect(m.landUse(for: "Paddy") == .paddy)
        #expect(m.landUse(for: "林地") == nil)
        #expect(LandUseMapping.chineseDefault.landUse(for: "水浇地") == .other)
        #expect(throws: StandardsError.unknownLandUse("rice", line: nil, source: "land-use mapping")) {
            try LandUseMapping(parse: "水田=rice")
        }
        #expect(throws: StandardsError.invalidLandUseMapping("水田")) { try LandUseMapping(parse: "水田") }
    }
}

import Testing
@testable import Standards

/// The one comparison rule (strictly above) and the pH/substance distinction.
@Suite("Threshold rule, loosest values, analytes")
struct ThresholdRuleTests {
    @Test("A value on a threshold is not above it; classes 1/2/3 by the same rule as the classifier")
    func rule() throws {
        let t = Threshold(screening: 0.3, intervention: 1.5)
        #expect(!t.isExceeded(by: 0.3) && t.isExceeded(by: 0.3000001))
        #expect(!t.isInterventionExceeded(by: 1.5) && t.isInterventionExceeded(by: 1.5000001))
        #expect(t.soilClass(of: 0.3) == .priorityProtection)
        #expect(t.soilClass(of: 1.5) == .safeUtilization)
        #expect(t.soilClass(of: 1.51) == .strictControl)
        let noIntervention = Threshold(screening: 50, intervention: nil)
        #expect(noIntervention.soilClass(of: 1e12) == .safeUtilization && !noIntervention.isInterventionExceeded(by: 1e12))
        // The classifier agrees cell by cell (GB 15618 Cd, other land use, pH 5.0: 0.3 / 1.5).
        let c = try Classifier(table: .gb15618(), landUse: .other, pollutants: [.cadmium])
        for v in [0.0, 0.3, 0.30001, 1.5, 1.50001, 40] {
            let thr = try c.threshold(of: 0, pH: 5.0)!
            #expect(try c.classify([v], pH: 5.0).soilClass == thr.soilClass(of: v), "\(v)")
        }
    }

    @Test("The loosest values of a pollutant: the largest screening and intervention values over every row")
    func loosest() {
        let gb = ThresholdTable.gb15618()
        // GB 15618 Cd: screening up to 0.8 (paddy, pH > 7.5), intervention up to 4.0 (pH > 7.5).
        #expect(gb.loosestThreshold(for: .cadmium) == Threshold(screening: 0.8, intervention: 4.0))
        // Zn has no intervention value; an unknown pollutant has no screening value at all.
        #expect(gb.loosestThreshold(for: .zinc).intervention == nil)
        #expect(gb.loosestThreshold(for: Pollutant("Xx")).screening == .infinity)
    }

    @Test("pH is an analyte, not a pollutant, whatever its spelling")
    func analyte() {
        for s in ["pH", "ph", "PH", " pH "] { #expect(Analyte(s).isPH && Analyte(s).unit == "pH" && Analyte(s).unitSuffix == "") }
        #expect(Analyte("Cd") == .substance(.cadmium) && Analyte("Cd").unit == "mg/kg" && Analyte("Cd").unitSuffix == " mg/kg")
    }
}

import Testing
@testable import Standards

@Suite("Classification")
struct ClassifierTests {
    /// Default pollutants: Cd, Hg, As, Pb, Cr. Paddy, pH 6.0: screening 0.4, 0.5, 30, 100, 250;
    /// intervention 2.0, 2.5, 150, 500, 850.
    let paddy = try! Classifier(table: .gb15618(), landUse: .paddy)
    let low: [Double] = [0.1, 0.1, 10, 20, 50]

    func with(_ i: Int, _ v: Double) -> [Double] { var a = low; a[i] = v; return a }

    @Test(arguments: [
        (0.4, SoilClass.priorityProtection), (0.4000001, .safeUtilization), (2.0, .safeUtilization),
        (2.0000001, .strictControl), (0.0, .priorityProtection),
    ])
    func valuesOnAThresholdGetTheBetterClass(cd: Double, expected: SoilClass) throws {
        #expect(try paddy.classify(with(0, cd), pH: 6.0).soilClass == expected)
    }

    @Test(arguments: [(5.5, SoilClass.safeUtilization), (5.51, .safeUtilization), (6.5, .safeUtilization),
                      (6.51, .priorityProtection), (7.5, .priorityProtection), (7.51, .priorityProtection)])
    func pHBandLimitsInClassification(pH: Double, expected: SoilClass) throws {
        // Cd 0.45 paddy: screening 0.3 (≤5.5), 0.4 (≤6.5), 0.6 (≤7.5), 0.8 (>7.5).
        #expect(try paddy.classify(with(0, 0.45), pH: pH).soilClass == expected)
    }

    @Test func pHRoundingOption() throws {
        // 6.5049 rounds to 6.50 → band 5.5–6.5 (Cd screening 0.4); 6.506 rounds to 6.51 → 0.6.
        #expect(try paddy.classify(with(0, 0.45), pH: 6.5049).soilClass == .safeUtilization)
        #expect(try paddy.classify(with(0, 0.45), pH: 6.506).soilClass == .priorityProtection)
        let raw = try Classifier(table: .gb15618(), landUse: .paddy, options: ClassificationOptions(pHRounding: .none))
        #expect(try raw.classify(with(0, 0.45), pH: 6.5001).soilClass == .priorityProtection)
        #expect(try raw.classify(with(0, 0.45), pH: 6.5).soilClass == .safeUtilization)
    }

    @Test func landUsesDiffer() throws {
        // Cd 0.35 at pH 6: paddy screening 0.4 → 1; other 0.3 → 2; rotation min → 2.
        let v = with(0, 0.35)
        #expect(try paddy.classify(v, pH: 6).soilClass == .priorityProtection)
        #expect(try Classifier(table: .gb15618(), landUse: .other).classify(v, pH: 6).soilClass == .safeUtilization)
        #expect(try Classifier(table: .gb15618(), landUse: .rotation).classify(v, pH: 6).soilClass == .safeUtilization)
        // Cu 120 at pH 7: orchard screening 200 → 1; other 100 → 2; paddy uses other → 2.
        func cu(_ lu: LandUse) throws -> SoilClass {
            try Classifier(table: .gb15618(), landUse: lu, pollutants: [.copper]).classify([120], pH: 7).soilClass
        }
        #expect(try cu(.orchard) == .priorityProtection)
        #expect(try cu(.other) == .safeUtilization)
        #expect(try cu(.paddy) == .safeUtilization)
    }

    @Test func copperNickelZincNeverGiveClass3() throws {
        for lu in LandUse.allCases {
            let c = try Classifier(table: .gb15618(), landUse: lu, pollutants: Pollutant.gb15618ScreeningOnly)
            let r = try c.classify([1e6, 1e6, 1e6], pH: 6)
            #expect(r.soilClass == .safeUtilization)
            #expect(r.perPollutant == [.safeUtilization, .safeUtilization, .safeUtilization])
        }
    }

    @Test func worstClassAndControllingPollutant() throws {
        // Cd 0.5 (class 2, C/screening 1.25) and Pb 150 (class 2, 1.5) → class 2, Pb.
        var v = low; v[0] = 0.5; v[3] = 150
        var r = try paddy.classify(v, pH: 6)
        #expect(r.soilClass == .safeUtilization && r.controlling == 3)
        // Add Cd 3 (class 3, C/intervention 1.5) and As 300 (class 3, 2.0) → class 3, As.
        v[0] = 3; v[2] = 300
        r = try paddy.classify(v, pH: 6)
        #expect(r.soilClass == .strictControl && r.controlling == 2)
        #expect(r.perPollutant == [.strictControl, .priorityProtection, .strictControl, .safeUtilization, .priorityProtection])
        // Class 3 beats a higher class-2 ratio: Hg 2.4 (class 2, ratio 4.8) vs Cd 2.1 (class 3).
        r = try paddy.classify([2.1, 2.4, 10, 20, 50], pH: 6)
        #expect(r.soilClass == .strictControl && r.controlling == 0)
        // Class 1: no controlling pollutant unless asked for.
        #expect(try paddy.classify(low, pH: 6).controlling == nil)
        let opt = try Classifier(table: .gb15618(), landUse: .paddy,
                                 options: ClassificationOptions(controllingPollutantForClass1: true))
        #expect(try opt.classify(low, pH: 6).controlling == 2) // As 10/30 is the highest C/screening
        // Equal ratios: the first pollutant.
        #expect(try paddy.classify([0.8, 1.0, 10, 20, 50], pH: 6).controlling == 0)
    }

    @Test func nanIsNodata() throws {
        let r = try paddy.classify(with(1, .nan), pH: 6)
        #expect(r.soilClass == .nodata && r.controlling == nil)
        #expect(r.perPollutant[1] == .nodata && r.perPollutant[0] == .priorityProtection)
        #expect(try paddy.classify(low, pH: .nan).soilClass == .nodata)
        #expect(try paddy.classify([.cadmium: 0.1, .mercury: 0.1], pH: 6).soilClass == .nodata)
    }

    @Test func pHOutOfRangeThrowsWithTheValue() {
        #expect(throws: StandardsError.pHOutOfRange(15, index: nil)) { try paddy.classify(low, pH: 15) }
        #expect(throws: StandardsError.pHOutOfRange(-0.5, index: 2)) {
            try paddy.classify(block: low.map { [Float($0), Float($0), Float($0)] }, pH: .perCell([6, 7, -0.5] as [Float]))
        }
        #expect(throws: StandardsError.pHRequired(source: "GB 15618-2018")) {
            try paddy.classify(block: low.map { [$0] }, pH: PHInput<Double>.notGiven)
        }
    }

    @Test func caseInsensitivePollutantSelection() throws {
        let c = try Classifier(table: .gb15618(), landUse: .other, pollutants: ["cd", "HG"])
        #expect(c.pollutants.map(\.name) == ["Cd", "Hg"])
        #expect(try c.classify(["CD": 0.5, "hg": 0.1], pH: 6).soilClass == .safeUtilization)
        #expect(throws: StandardsError.noThreshold(pollutant: "Sb", landUse: "other", source: "GB 15618-2018")) {
            try Classifier(table: .gb15618(), pollutants: ["Sb"])
        }
    }

    /// The block path gives the same answers as the per-sample path, for Float and Double,
    /// with constant and per-cell pH.
    @Test func blockClassificationMatchesPointClassification() throws {
        let n = 500
        var g = LCG(seed: 42)
        let conc: [[Double]] = [(0..<n).map { _ in g.next(0, 4) }, (0..<n).map { _ in g.next(0, 3) },
                                (0..<n).map { _ in g.next(0, 200) }, (0..<n).map { _ in g.next(0, 600) },
                                (0..<n).map { i in i % 37 == 0 ? .nan : g.next(0, 1000) }]
        let pH: [Double] = (0..<n).map { i in i % 53 == 0 ? .nan : (g.next(4, 9) * 100).rounded() / 100 }
        let d = try paddy.classify(block: conc, pH: .perCell(pH), perPollutant: true)
        let f = try paddy.classify(block: conc.map { $0.map(Float.init) }, pH: .perCell(pH.map(Float.init)), perPollutant: true)
        let k = try paddy.classify(block: conc, pH: .constant(6.8))
        for j in 0..<n {
            let p = try paddy.classify(conc.map { $0[j] }, pH: pH[j])
            #expect(d.classes[j] == p.soilClass.rawValue)
            #expect(d.controlling[j] == (p.controlling.map { UInt8($0 + 1) } ?? 0))
            #expect(d.perPollutant!.map { $0[j] } == p.perPollutant.map(\.rawValue))
            #expect(try k.classes[j] == paddy.classify(conc.map { $0[j] }, pH: 6.8).soilClass.rawValue)
            // Float rounding may move a value across a threshold only when it sits within 1 ulp of one.
            if f.classes[j] != d.classes[j] { Issue.record("Float and Double differ at cell \(j)") }
        }
        #expect(k.perPollutant == nil)
        #expect(d.classes.contains(0) && d.classes.contains(2) && d.classes.contains(3))
    }

    @Test func constructionLand() throws {
        let c1 = try Classifier(table: .gb36600(class: .class1), pollutants: [.arsenic, "Cd", "Cr(VI)"])
        #expect(!c1.requiresPH)
        #expect(try c1.classify([20, 1, 1], pH: nil).soilClass == .priorityProtection)
        #expect(try c1.classify([21, 1, 1], pH: nil).soilClass == .safeUtilization)
        #expect(try c1.classify([121, 1, 1], pH: nil).soilClass == .strictControl)
        let b = try c1.classify(block: [[10, 50, 130], [1, 1, 1], [1, 4, 31]] as [[Float]], pH: .notGiven)
        #expect(b.classes == [1, 2, 3])
        #expect(b.controlling == [0, 1, 1]) // both class 3: As 130/120 = 1.083 beats Cr(VI) 31/30 = 1.033
        #expect(try c1.classify([121, 1, 40], pH: nil).controlling == 2) // Cr(VI) 40/30 beats As 121/120
    }

    @Test func labelsAndColours() {
        #expect(SoilClass.priorityProtection.label() == "1 优先保护类 Priority protection")
        #expect(SoilClass.safeUtilization.label() == "2 安全利用类 Safe utilization")
        #expect(SoilClass.strictControl.label() == "3 严格管控类 Strict control")
        #expect(SoilClass.nodata.label() == "0 无数据 No data")
        #expect(SoilClass.priorityProtection.label(.constructionLand(.class1)) == "1 风险可忽略 Risk negligible")
        #expect(SoilClass.strictControl.englishName(.constructionLand(.class2)) == "Control or remediate")
        #expect(SoilClass.priorityProtection.colour == RGBAColour(red: 0, green: 176, blue: 80))
        #expect(SoilClass.safeUtilization.colour == RGBAColour(red: 255, green: 255, blue: 0))
        #expect(SoilClass.strictControl.colour == RGBAColour(red: 255, green: 0, blue: 0))
        #expect(SoilClass.nodata.colour.alpha == 0)
        #expect(SoilClass.legend().map(\.code) == [0, 1, 2, 3])
    }
}

/// Small seeded generator for test data.
struct LCG {
    var s: UInt64
    init(seed: UInt64) { s = seed }
    mutating func next(_ lo: Double, _ hi: Double) -> Double {
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return lo + (hi - lo) * Double(s >> 11) / Double(1 << 53)
    }
}

/// How pH is prepared before the band lookup.
public enum PHRounding: Hashable, Sendable {
    /// Use pH as given.
    case none
    /// Round half away from zero to this many decimals (default 2, the usual lab reporting
    /// precision), so interpolation noise such as 6.5000001 does not move a value sitting on
    /// a band limit into the next band.
    case decimals(Int)

    @inlinable
    func apply(_ pH: Double) -> Double {
        switch self {
        case .none: return pH
        case .decimals(let d):
            var scale = 1.0
            for _ in 0..<d { scale *= 10 }
            return (pH * scale).rounded() / scale
        }
    }
}

/// Options of ``Classifier``.
public struct ClassificationOptions: Hashable, Sendable {
    /// Default `.decimals(2)`.
    public var pHRounding: PHRounding = .decimals(2)
    /// Accepted pH values before rounding; outside → ``StandardsError/pHOutOfRange(_:index:)``.
    /// Default 0…14.
    public var validPH: ClosedRange<Double> = 0...14
    /// Whether class-1 cells name a controlling pollutant (the highest C / screening).
    /// Default `false`: controlling pollutant 0 ("none") for class 1, since nothing exceeds.
    public var controllingPollutantForClass1: Bool = false

    public init(pHRounding: PHRounding = .decimals(2), validPH: ClosedRange<Double> = 0...14,
                controllingPollutantForClass1: Bool = false) {
        self.pHRounding = pHRounding
        self.validPH = validPH
        self.controllingPollutantForClass1 = controllingPollutantForClass1
    }
}

/// pH for a block of cells.
public enum PHInput<F: BinaryFloatingPoint>: Sendable where F: Sendable {
    /// One pH for every cell (a parcel's or a survey's pH).
    case constant(Double)
    /// One pH per cell, NaN = nodata.
    case perCell([F])
    /// No pH (tables without pH bands, such as GB 36600).
    case notGiven
}

/// The class of one cell or sample.
public struct PointClassification: Hashable, Sendable {
    public var soilClass: SoilClass
    /// Index into ``Classifier/pollutants`` of the controlling pollutant, `nil` for none.
    public var controlling: Int?
    /// Class per counted pollutant (``SoilClass/nodata`` for a missing value).
    public var perPollutant: [SoilClass]
}

/// Classes of a block of cells, row-major like the inputs.
public struct ClassifiedBlock: Hashable, Sendable {
    /// ``SoilClass`` codes: 0 nodata, 1, 2, 3.
    public var classes: [UInt8]
    /// 0 = none; `i + 1` = ``Classifier/pollutants``[i].
    public var controlling: [UInt8]
    /// Per counted pollutant, its class codes; `nil` unless requested.
    public var perPollutant: [[UInt8]]?

    /// A block from its parts (for callers that classify in chunks and merge).
    public init(classes: [UInt8], controlling: [UInt8], perPollutant: [[UInt8]]?) {
        self.classes = classes
        self.controlling = controlling
        self.perPollutant = perPollutant
    }
}

/// Classifies concentrations against a ``ThresholdTable`` for one land use.
///
/// ## Rules
/// Per pollutant, with its threshold for the land use and the cell's (rounded) pH band:
/// `C ≤ screening` → 1; `screening < C ≤ intervention` → 2; `C > intervention` → 3; a
/// pollutant without an intervention value gives at most 2. A value exactly on a threshold
/// gets the better class (clauses 6.1–6.3 of GB 15618; 5.3 of GB 36600), at the precision the
/// value is stored in (``precisions``: a Float32 surface's 0.3 is at a screening value of 0.3).
///
/// The cell's class is the worst over the counted pollutants. The controlling pollutant is
/// the one giving that class; on a tie, the one with the highest ratio of C to the threshold
/// that class exceeds (intervention for class 3, screening for class 2; for class 1, with
/// ``ClassificationOptions/controllingPollutantForClass1``, screening); on an equal ratio,
/// the first in ``pollutants``.
///
/// ## Nodata and errors
/// NaN in any counted pollutant, or a NaN pH when the table depends on pH, gives class 0
/// and controlling pollutant 0 (per-pollutant classes of the values present are still
/// reported). A non-NaN pH outside ``ClassificationOptions/validPH`` throws
/// ``StandardsError/pHOutOfRange(_:index:)`` with the value and the cell index; the caller
/// adds the file and the cell position. Infinite concentrations classify as any number.
///
/// - Units: mg/kg dry soil, as in the tables; pH in pH units.
/// - Example:
///   ```swift
///   let c = try Classifier(table: .gb15618(), landUse: .paddy)
///   let r = try c.classify([0.5, 0.2, 10, 50, 100], pH: 6.0)   // Cd 0.5 > 0.4 → class 2, controlling Cd
///   ```
public struct Classifier: Hashable, Sendable {
    public let table: ThresholdTable
    public let landUse: LandUse
    /// Counted pollutants, in the order of the concentration arrays; spelled as in the table.
    public let pollutants: [Pollutant]
    public let options: ClassificationOptions
    /// Per pollutant, the precision its values are stored in; thresholds and values are
    /// compared at it (``ValuePrecision``). Doubles unless given.
    public let precisions: [ValuePrecision]
    /// Per pollutant, one or two (rotation) band lists.
    let rules: [[[ThresholdRow]]]
    let needsPH: Bool

    /// - Throws: ``StandardsError/noThreshold(pollutant:landUse:source:)`` when the table
    ///   has no rows for a pollutant under `landUse`.
    public init(table: ThresholdTable, landUse: LandUse = .other,
                pollutants: [Pollutant] = Pollutant.gb15618WithIntervention,
                options: ClassificationOptions = ClassificationOptions(),
                precisions: [ValuePrecision]? = nil) throws(StandardsError) {
        precondition(!pollutants.isEmpty, "Classifier needs at least one pollutant")
        precondition(precisions == nil || precisions!.count == pollutants.count, "one precision per pollutant")
        precondition(pollutants.count < 255, "at most 254 pollutants fit the UInt8 controlling-pollutant code")
        var canon: [Pollutant] = [], rules: [[[ThresholdRow]]] = []
        for p in pollutants {
            guard let c = table.canonical(p) else {
                throw .noThreshold(pollutant: p.name, landUse: landUse.rawValue, source: table.source)
            }
            let sets = table.rowSets(for: c, landUse: landUse)
            guard !sets.isEmpty, sets.allSatisfy({ !$0.isEmpty }) else {
                throw .noThreshold(pollutant: p.name, landUse: landUse.rawValue, source: table.source)
            }
            canon.append(c)
            rules.append(sets)
        }
        self.table = table
        self.landUse = landUse
        self.pollutants = canon
        self.options = options
        self.precisions = precisions ?? Array(repeating: .double, count: pollutants.count)
        self.rules = rules
        self.needsPH = rules.contains { $0.contains { $0.contains { !$0.isPHIndependent } } }
    }

    /// Whether a pH is needed (some counted pollutant's threshold depends on it).
    public var requiresPH: Bool { needsPH }

    /// The threshold of pollutant `i` at an already rounded pH, at the pollutant's precision.
    func threshold(_ i: Int, pH: Double) -> Threshold? {
        var t: Threshold?
        for set in rules[i] {
            guard let row = set.first(where: { $0.isPHIndependent || $0.contains(pH: pH) }) else { return nil }
            t = t.map { $0.stricter(row.threshold) } ?? row.threshold
        }
        return t?.at(precisions[i])
    }

    /// The screening and intervention values of pollutant `i` (an index into ``pollutants``)
    /// at `pH` (rounded as the options say; ignored by tables without pH bands).
    ///
    /// - Returns: `nil` when `pH` is NaN (nodata).
    /// - Throws: ``StandardsError`` when the table needs a pH and none is given, the pH is out
    ///   of range, or no band covers it.
    public func threshold(of i: Int, pH: Double?) throws(StandardsError) -> Threshold? {
        guard let ph = try preparedPH(pH, index: nil)! else { return nil }
        guard let t = threshold(i, pH: ph) else {
            throw .noPHBand(pollutant: pollutants[i].name, landUse: landUse.rawValue, pH: ph, source: table.source)
        }
        return t
    }

    /// Prepares a pH: `nil` means nodata.
    func preparedPH(_ pH: Double?, index: Int?) throws(StandardsError) -> Double?? {
        guard needsPH else { return .some(.some(0)) }
        guard let pH else { throw .pHRequired(source: table.source) }
        if pH.isNaN { return .some(nil) }
        guard options.validPH.contains(pH) else { throw .pHOutOfRange(pH, index: index) }
        return .some(options.pHRounding.apply(pH))
    }

    /// Classifies one sample: `concentrations` in the order of ``pollutants``.
    public func classify(_ concentrations: [Double], pH: Double?) throws(StandardsError) -> PointClassification {
        precondition(concentrations.count == pollutants.count,
                     "\(concentrations.count) concentrations for \(pollutants.count) pollutants")
        let ph = try preparedPH(pH, index: nil)!
        var per = [SoilClass](repeating: .nodata, count: pollutants.count)
        let (k, c) = try classifyCell(value: { concentrations[$0] }, pH: ph) { per[$0] = $1 }
        return PointClassification(soilClass: k, controlling: c, perPollutant: per)
    }

    /// Classifies one sample given by name (case-insensitive); counted pollutants missing
    /// from the dictionary are nodata.
    public func classify(_ concentrations: [Pollutant: Double], pH: Double?) throws(StandardsError) -> PointClassification {
        try classify(pollutants.map { concentrations[$0] ?? .nan }, pH: pH)
    }

    /// The class and controlling pollutant of one cell; `record(i, class)` receives each
    /// pollutant's class. `pH == nil` is nodata (already rounded otherwise).
    @inline(__always)
    func classifyCell(value: (Int) -> Double, pH: Double?,
                      record: (Int, SoilClass) -> Void) throws(StandardsError) -> (SoilClass, Int?) {
        var worst = SoilClass.priorityProtection, best: Int? = nil, bestRatio = -Double.infinity
        var missing = pH == nil
        for i in 0..<pollutants.count {
            let c = precisions[i].round(value(i))
            if c.isNaN { missing = true; continue }
            guard let ph = pH else { continue }
            guard let t = threshold(i, pH: ph) else {
                throw .noPHBand(pollutant: pollutants[i].name, landUse: landUse.rawValue, pH: ph, source: table.source)
            }
            let k = t.soilClass(of: c)
            let ratio = k == .strictControl ? c / t.intervention! : c / t.screening
            record(i, k)
            if k > worst || (k == worst && ratio > bestRatio) {
                worst = k; bestRatio = ratio; best = i
            }
        }
        if missing { return (.nodata, nil) }
        if worst == .priorityProtection && !options.controllingPollutantForClass1 { return (worst, nil) }
        return (worst, best)
    }

    /// Classifies a block of cells.
    ///
    /// - Parameters:
    ///   - concentrations: one array per counted pollutant (order of ``pollutants``), all of
    ///     the block's length; NaN = nodata. `Float` or `Double`.
    ///   - pH: constant, per cell (NaN = nodata) or not given (tables without pH bands).
    ///   - perPollutant: also return each pollutant's class codes.
    /// - Throws: ``StandardsError/pHOutOfRange(_:index:)`` at the first cell whose pH is
    ///   outside the valid range; ``StandardsError/pHRequired(source:)``.
    // Specialised for the pixel types SoilMap reads: called from another module, the generic
    // body otherwise runs with a metadata lookup for every value it converts.
    @_specialize(exported: true, where F == Float)
    @_specialize(exported: true, where F == Double)
    public func classify<F: BinaryFloatingPoint & Sendable>(
        block concentrations: [[F]], pH: PHInput<F>, perPollutant: Bool = false
    ) throws(StandardsError) -> ClassifiedBlock {
        precondition(concentrations.count == pollutants.count,
                     "\(concentrations.count) concentration arrays for \(pollutants.count) pollutants")
        let count = concentrations.first?.count ?? 0
        precondition(concentrations.allSatisfy { $0.count == count }, "concentration arrays differ in length")
        if case .perCell(let a) = pH { precondition(a.count == count, "pH array of \(a.count) for \(count) cells") }
        var classes = [UInt8](repeating: 0, count: count)
        var controlling = [UInt8](repeating: 0, count: count)
        var per: [[UInt8]] = perPollutant ? Array(repeating: [UInt8](repeating: 0, count: count), count: pollutants.count) : []
        let constantPH: Double??
        var phPerCell: [F] = []
        switch pH {
        case .constant(let v): constantPH = try preparedPH(v, index: nil)
        case .notGiven: constantPH = try preparedPH(needsPH ? nil : 0, index: nil)
        case .perCell(let a): constantPH = nil; phPerCell = a
        }
        for j in 0..<count {
            let ph: Double?
            if let constantPH { ph = constantPH } else { ph = try preparedPH(Double(phPerCell[j]), index: j)! }
            let (k, c) = try classifyCell(value: { Double(concentrations[$0][j]) }, pH: ph) { i, k in
                if perPollutant { per[i][j] = k.rawValue }
            }
            classes[j] = k.rawValue
            controlling[j] = c.map { UInt8($0 + 1) } ?? 0
        }
        return ClassifiedBlock(classes: classes, controlling: controlling, perPollutant: perPollutant ? per : nil)
    }
}

/// Classifies cells whose land use varies from cell to cell: each cell with the classifier of
/// its land use (issue 24: a cell inside a parcel takes the parcel's land use, 水田 cells paddy
/// values; other cells the default land use).
///
/// - Precondition: every classifier counts the same pollutants in the same order, so controlling
///   pollutant codes mean the same whatever the cell's land use.
public struct LandUseClassifiers: Sendable {
    /// The classifiers by land-use code: code 0 is the default land use.
    public let classifiers: [Classifier]

    public init(_ classifiers: [Classifier]) {
        precondition(!classifiers.isEmpty && classifiers.allSatisfy { $0.pollutants == classifiers[0].pollutants },
                     "LandUseClassifiers: one pollutant list for every land use")
        self.classifiers = classifiers
    }

    /// Classifies a block as ``Classifier/classify(block:pH:perPollutant:)`` does, cell `j` with
    /// `classifiers[landUse[j]]`: the cells of each land use are gathered, classified together by
    /// that land use's classifier, and put back in place.
    ///
    /// - Throws: the error of the first failing cell in block order (its index in the block).
    @_specialize(exported: true, where F == Double)
    @_specialize(exported: true, where F == Float)
    public func classify<F: BinaryFloatingPoint & Sendable>(block concentrations: [[F]], pH: PHInput<F>,
                                                            landUse: [UInt8]) throws(StandardsError) -> ClassifiedBlock {
        let count = concentrations.first?.count ?? 0
        precondition(landUse.count == count, "land-use codes of \(landUse.count) cells for \(count)")
        var cellsOf = [[Int]](repeating: [], count: classifiers.count)
        for j in 0..<count { cellsOf[Int(landUse[j])].append(j) }
        if cellsOf[0].count == count { return try classifiers[0].classify(block: concentrations, pH: pH) }
        var classes = [UInt8](repeating: 0, count: count)
        var controlling = [UInt8](repeating: 0, count: count)
        var firstError: (index: Int, error: StandardsError)? = nil
        for (code, cells) in cellsOf.enumerated() where !cells.isEmpty {
            let part = concentrations.map { a in cells.map { a[$0] } }
            let partPH: PHInput<F>
            switch pH {
            case .perCell(let a): partPH = .perCell(cells.map { a[$0] })
            case .constant(let v): partPH = .constant(v)
            case .notGiven: partPH = .notGiven
            }
            do {
                let b = try classifiers[code].classify(block: part, pH: partPH)
                for (k, j) in cells.enumerated() { classes[j] = b.classes[k]; controlling[j] = b.controlling[k] }
            } catch {
                var e = error, at = cells.first!
                if case let .pHOutOfRange(v, i?) = error { at = cells[i]; e = .pHOutOfRange(v, index: at) }
                if firstError == nil || at < firstError!.index { firstError = (at, e) }
            }
        }
        if let firstError { throw firstError.error }
        return ClassifiedBlock(classes: classes, controlling: controlling, perPollutant: nil)
    }
}

import Foundation
import GeoIO
import GeoTypes
import Standards

/// Co-monitored crop samples (农产品协同监测), each graded against its food limits (GB 2762).
struct CropSamples {
    /// The limit table and its name for reports.
    var limits: FoodLimitTable
    /// The graded contaminants, as the limit table spells them.
    var pollutants: [Pollutant]
    var table: SampleTable
    /// Per sample: the crop as written, the limit table's crop, the values (NaN: not measured),
    /// the grade, and the soil sample it was paired with (`crops.pair_field`).
    var writtenCrops: [String]
    var crops: [String]
    var values: [[Double]]
    var grades: [CropSampleGrade]
    var pairs: [String?]
    var warnings: [String] = []

    var path: String { table.path }
    var count: Int { table.ids.count }

    /// Reads and grades the crop samples of `project` in the working CRS.
    ///
    /// Every row is checked before any is graded, and every problem is reported at once (the first
    /// 20): a crop type that is empty or unknown to the limit table (naming the row and the
    /// mapping key `crops.crop_map`), values that are not numbers, values that look like µg/kg.
    static func read(_ project: Project, in working: CRS) throws -> CropSamples? {
        guard let c = project.crops else { return nil }
        let limits: FoodLimitTable
        if c.limits == "gb2762" { limits = .gb2762() } else {
            guard let text = try? String(contentsOfFile: c.limits, encoding: .utf8) else {
                throw InputError(.encoding, path: c.limits, "the limits CSV (crops.limits) must be UTF-8 text")
            }
            limits = try FoodLimitTable(csv: text, source: c.limits)
        }
        let reader = SampleReader(path: c.path, layer: c.layer, xField: c.x, yField: c.y, sourceCRS: try c.crs.map(CRS.init),
                                  idField: c.id, allowUnknownCRS: false, encoding: c.encoding, names: .projectCrops)
        let table = try reader.read(targetCRS: working)
        var warnings = table.warnings
        // Contaminants: as given, else every contaminant of the limit table with a column of its name.
        var fields = c.fields
        if fields.isEmpty {
            fields = limits.pollutants.compactMap { p in table.source.fieldIndex(p.name).map { _ in (p.name, p.name) } }
            guard !fields.isEmpty else {
                throw InputError(.missingField, path: table.path,
                                 "has no column named after a contaminant of \(limits.source) (\(limits.pollutants.map(\.name).joined(separator: ", "))); name them with crops.fields, e.g. {Cd: 镉, Pb: 铅}; columns are: \(table.source.fields.map(\.name).joined(separator: ", "))")
            }
        }
        var pollutants: [Pollutant] = []
        for (name, _) in fields {
            guard let p = limits.pollutants.first(where: { $0 == Pollutant(name) }) else {
                throw InputError(.invalidArgument, path: project.file,
                                 "crops.fields: '\(name)' has no limit in \(limits.source) (\(limits.pollutants.map(\.name).joined(separator: ", ")))")
            }
            pollutants.append(p)
        }
        guard let cropIndex = table.source.fieldIndex(c.cropField) else {
            throw InputError(.missingField, path: table.path,
                             "has no column '\(c.cropField)' (crops.crop_field); columns are: \(table.source.fields.map(\.name).joined(separator: ", "))")
        }
        let pairIndex = try c.pairField.map { f -> Int in
            guard let i = table.source.fieldIndex(f) else {
                throw InputError(.missingField, path: table.path, "has no column '\(f)' (crops.pair_field); columns are: \(table.source.fields.map(\.name).joined(separator: ", "))")
            }
            return i
        }
        let userMap = Dictionary(c.cropMap.map { ($0.0.trimmingCharacters(in: .whitespaces), $0.1) }, uniquingKeysWith: { a, _ in a })
        var problems: [String] = []
        var written: [String] = [], crops: [String] = []
        for i in table.ids.indices {
            let raw = table.source.rows[i][cropIndex].text.trimmingCharacters(in: .whitespaces)
            written.append(raw)
            if raw.isEmpty {
                problems.append("\(table.labels[i]) (\(table.ids[i])), column '\(c.cropField)': no crop type; every crop sample needs one (稻谷, 小麦, 玉米, 叶菜类蔬菜 …)")
                crops.append(""); continue
            }
            guard let crop = limits.crop(named: userMap[raw] ?? raw) else {
                if let mapped = userMap[raw] {
                    problems.append("\(table.labels[i]) (\(table.ids[i])), column '\(c.cropField)': crop type '\(raw)' is mapped to '\(mapped)' in crops.crop_map, which is not in \(limits.source); map it to one of: \(limits.crops.joined(separator: ", "))")
                } else {
                    problems.append("\(table.labels[i]) (\(table.ids[i])), column '\(c.cropField)': crop type '\(raw)' is not in \(limits.source); map it in crops.crop_map, e.g. {\(raw): 稻谷} (crops there: \(limits.crops.joined(separator: ", ")))")
                }
                crops.append(""); continue
            }
            crops.append(crop)
        }
        var values = [[Double]](repeating: [Double](repeating: .nan, count: pollutants.count), count: table.ids.count)
        for (k, (name, column)) in fields.enumerated() {
            let header = table.source.fieldIndex(column).map { table.source.fields[$0].name } ?? column
            if header.lowercased().contains("ug/kg") || header.contains("µg/kg") || header.contains("μg/kg") {
                problems.append("column '\(header)': values in µg/kg; crop values are compared with GB 2762 in mg/kg — convert them (divide by 1000) and name the column in mg/kg")
                continue
            }
            do {
                let (rows, v) = try table.values(of: column, rule: project.samples.belowDetection, warnings: &warnings)
                for (r, x) in zip(rows, v) { values[r][k] = x }
                // µg/kg written as mg/kg: the typical sample is many times its own crop's limit.
                let ratios = zip(rows, v).compactMap { r, x in limits.limit(for: pollutants[k], crop: crops[r]).map { (x / $0.limit, r) } }
                    .sorted { $0.0 < $1.0 }
                if !ratios.isEmpty, ratios[ratios.count / 2].0 > 20 {
                    problems.append("column '\(header)' (\(name)): half the samples are over 20 times their crop's limit (median \(shortNumber(ratios[ratios.count / 2].0)) ×, e.g. \(ratios.suffix(3).map { table.labels[$0.1] }.joined(separator: ", "))); the values look like µg/kg — convert them to mg/kg (divide by 1000)")
                }
            } catch {
                problems.append("\(error)")
            }
        }
        if !problems.isEmpty {
            throw InputError(.badValue, path: table.path, "\(problems.count) problem(s) in the crop samples; nothing was computed. Fix them and run again:\n  "
                             + problems.prefix(20).joined(separator: "\n  ") + (problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""))
        }
        let severe = project.classification.rules.severeFactor
        let grades = table.ids.indices.map { i in
            limits.grade(crop: crops[i], pollutants: pollutants, values: values[i], severeFactor: severe, inorganicMeasured: c.inorganicArsenic)
        }
        let inorganic = table.ids.indices.filter { !grades[$0].needsInorganic.isEmpty }
        if !inorganic.isEmpty {
            warnings.append("\(table.path): \(inorganic.count) crop sample(s) have a total As above the limit GB 2762 sets for inorganic As (rice); their As is not graded until inorganic As is measured (crops.inorganic_arsenic: true when the column holds inorganic As): \(inorganic.prefix(5).map { table.ids[$0] }.joined(separator: ", "))\(inorganic.count > 5 ? ", …" : "")")
        }
        let ungraded = table.ids.indices.filter { grades[$0].grade == nil }
        if !ungraded.isEmpty {
            warnings.append("\(table.path): \(ungraded.count) crop sample(s) have no measured contaminant with a limit for their crop and are not graded (\(ungraded.prefix(5).map { table.ids[$0] }.joined(separator: ", "))\(ungraded.count > 5 ? ", …" : ""))")
        }
        let pairs = table.ids.indices.map { i in pairIndex.map { table.source.rows[i][$0].text.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } }
        return CropSamples(limits: limits, pollutants: pollutants, table: table, writtenCrops: written, crops: crops, values: values,
                           grades: grades, pairs: pairs, warnings: warnings)
    }
}

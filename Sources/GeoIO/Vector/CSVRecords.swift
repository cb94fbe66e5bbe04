import CGDAL
import Foundation

/// The shape of a delimited text file as GDAL's CSV tokeniser sees it: how many fields each
/// record has and on which line it starts.
///
/// OGR's CSV driver fills missing trailing fields with nothing and drops extra ones without a
/// word, so a row with an unquoted decimal comma (`0,25`) or a lost cell reads as a row with
/// shifted or empty values. This pass, with the same tokeniser (`CSVReadParseLine3L`) and the
/// same delimiter detection (`CSVDetectSeperator`) the driver uses, lets a caller refuse such
/// rows by line number. Blank records are skipped, as the driver skips them, so
/// `records[i]` is the driver's feature `i + 1`.
public struct CSVRecords: Sendable, Equatable {
    public struct Record: Sendable, Equatable {
        /// Number of fields in the record.
        public var fieldCount: Int
        /// The 1-based line the record starts on.
        public var line: Int
    }
    /// The number of fields in the header.
    public var headerFieldCount: Int
    /// The delimiter found in the header (`,`, `;`, tab or space).
    public var delimiter: Character
    public var records: [Record]

    /// Reads the record shape of `path`.
    ///
    /// - Throws: ``InputError`` when the file cannot be opened.
    public static func read(path: String) throws(InputError) -> CSVRecords {
        var buffer: UnsafeMutablePointer<GByte>? = nil
        var size: vsi_l_offset = 0
        // VSIIngestFile: the whole file (any GDAL path, /vsimem/ included) into a VSIMalloc'ed
        // buffer; FALSE when it cannot be read.
        guard VSIIngestFile(nil, path, &buffer, &size, -1) != 0 else {
            throw InputError(.fileNotFound, path: path, "cannot be read")
        }
        defer { VSIFree(buffer) }
        let bytes = buffer.map { Array(UnsafeBufferPointer(start: $0, count: Int(size))) } ?? []
        return try read(bytes: bytes, path: path)
    }

    /// Reads the record shape of CSV text held in memory (`path` only names it in messages).
    public static func read(bytes: [UInt8], path: String) throws(InputError) -> CSVRecords {
        guard !bytes.isEmpty else { return CSVRecords(headerFieldCount: 0, delimiter: ",", records: []) }
        // Line starts, to turn the tokeniser's byte offsets into line numbers.
        var lineStarts: [Int] = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { lineStarts.append(i + 1) }
        func line(at offset: Int) -> Int {
            var lo = 0, hi = lineStarts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            return lo + 1
        }
        let firstLineEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        let header = String(decoding: bytes[0..<firstLineEnd], as: UTF8.self)
        // CSVDetectSeperator: the first of , ; tab found outside quotes (space if none).
        let delimiterByte = header.withCString { CSVDetectSeperator($0) }
        let delimiter = Character(Unicode.Scalar(UInt8(bitPattern: delimiterByte)))
        let memPath = "/vsimem/soilmap-csvrecords-\(UUID().uuidString).csv"
        let delimiterString = String(delimiter)
        return try bytes.withUnsafeBufferPointer { (buf) throws(InputError) -> CSVRecords in
            // VSIFileFromMemBuffer: no copy and no ownership (bTakeOwnership = FALSE); the
            // buffer outlives the file, which is unlinked before this closure returns.
            guard let fp = VSIFileFromMemBuffer(memPath, UnsafeMutablePointer(mutating: buf.baseAddress), vsi_l_offset(buf.count), 0) else {
                throw InputError(.fileNotFound, path: path, "cannot be opened for reading as CSV")
            }
            defer { VSIFCloseL(fp); VSIUnlink(memPath) }
            var out = CSVRecords(headerFieldCount: 0, delimiter: delimiter, records: [])
            var first = true
            while true {
                let start = Int(VSIFTellL(fp))
                // CSVReadParseLine3L: NULL at end of file; honours quotes (records may span lines).
                guard let tokens = CSVReadParseLine3L(fp, 0, delimiterString, true, false, false, true) else { break }
                defer { CSLDestroy(tokens) }
                let fields = stringsFromCSL(tokens)
                if first {
                    out.headerFieldCount = fields.count
                    first = false
                    continue
                }
                if fields.allSatisfy(\.isEmpty) && fields.count <= 1 { continue }
                out.records.append(Record(fieldCount: fields.count, line: line(at: start)))
            }
            return out
        }
    }
}

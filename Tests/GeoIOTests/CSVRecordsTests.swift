import Foundation
import Testing
@testable import GeoIO

/// The record shape of delimited text (GDAL's tokeniser) and reading CSV in another encoding.
@Suite("CSV record shapes and encodings")
struct CSVRecordsTests {
    func shape(_ text: String) throws -> CSVRecords { try CSVRecords.read(bytes: Array(text.utf8), path: "t.csv") }

    @Test("Field counts and starting lines, hand-counted")
    func handCounted() throws {
        let s = try shape("id,x,y,v\n1,1,2,3\n\n2,1,2\n\"3\",\"a\nb\",2,3\n4,1,2,3,9\n5,\"0,5\",2,3\n")
        #expect(s.headerFieldCount == 4)
        #expect(s.delimiter == ",")
        // The blank line 3 is skipped like OGR skips it; the quoted line break (lines 5–6) is one record.
        #expect(s.records == [.init(fieldCount: 4, line: 2), .init(fieldCount: 3, line: 4), .init(fieldCount: 4, line: 5),
                              .init(fieldCount: 5, line: 7), .init(fieldCount: 4, line: 8)])
    }

    @Test("Separators as OGR detects them; BOM and CRLF")
    func separators() throws {
        #expect(try shape("a;b;c\n1;2;3\n").delimiter == ";")
        #expect(try shape("a\tb\tc\n1\t2\t3\n").delimiter == "\t")
        let crlf = try shape("\u{FEFF}a,b\r\n1,2\r\n3\r\n")
        #expect(crlf.headerFieldCount == 2)
        #expect(crlf.records == [.init(fieldCount: 2, line: 2), .init(fieldCount: 1, line: 3)])
        #expect(try shape("").records.isEmpty)
    }

    @Test("Records match OGR's features one to one (same count as ogrinfo on the same file)")
    func matchesOGR() throws {
        let dir = Fixture.scratch()
        let p = dir + "/m.csv"
        try "id,x,y\n1,1,2\n\n\n2,\"3\n4\",5\n3,1,2\n".write(toFile: p, atomically: true, encoding: .utf8)
        let ds = try VectorDataset(path: p, options: .init(detectCSVTypes: false))
        #expect(try ds.layer(named: nil).featureCount == CSVRecords.read(path: p).records.count)
    }

    @Test("A GBK CSV read with encoding GBK gives the Chinese text; without it, an error naming the option")
    func gbk() throws {
        let dir = Fixture.scratch()
        let utf8 = dir + "/u.csv", gbk = dir + "/g.csv"
        try "编号,x,y,土壤类型\n样点一,1,2,褐土\n样点二,3,4,潮土\n".write(toFile: utf8, atomically: true, encoding: .utf8)
        // iconv(1) from glibc makes the GBK bytes, independently of GDAL's CPLRecode.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["iconv", "-f", "UTF-8", "-t", "GBK", "-o", gbk, utf8]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let t = try PointTable.read(path: gbk, options: .init(encoding: .gbk, detectCSVTypes: false))
        #expect(t.fields.map(\.name) == ["编号", "x", "y", "土壤类型"])
        #expect(t.rows.map { $0[0].text } == ["样点一", "样点二"])
        #expect(t.rows.map { $0[3].text } == ["褐土", "潮土"])
        #expect(t.coordinates == [Coordinate(x: 1, y: 2), Coordinate(x: 3, y: 4)])
        #expect {
            _ = try PointTable.read(path: gbk, options: .init(detectCSVTypes: false, encodingOption: "samples.encoding"))
        } throws: { e in
            "\(e)".contains(gbk) && "\(e)".contains("not valid UTF-8") && "\(e)".contains("samples.encoding")
        }
        // UTF-8 declared as UTF-8: read as it is.
        #expect(try PointTable.read(path: utf8, options: .init(encoding: .utf8, detectCSVTypes: false)).rows.count == 2)
    }

    @Test("A ragged CSV row is refused with its row and line")
    func ragged() throws {
        let dir = Fixture.scratch()
        let p = dir + "/r.csv"
        try "id,x,y,v\n1,1,2,3\n\n2,1,2,0,5\n".write(toFile: p, atomically: true, encoding: .utf8)
        #expect {
            _ = try PointTable.read(path: p)
        } throws: { e in
            "\(e)".contains("\(p), row 2 (line 4): has 5 fields but the header has 4")
        }
    }
}

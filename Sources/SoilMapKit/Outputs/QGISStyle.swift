import Foundation
import GeoIO
import Standards

/// A QGIS style stored in a GeoPackage's `layer_styles` table, so QGIS opens the layer
/// coloured by class (QGIS reads the row with `useAsDefault = 1` for the table).
enum QGISStyle {
    /// QML of a categorized renderer on `field` with the class colours and labels, for polygons
    /// (fills) or points (markers).
    static func classQML(field: String, standard: StandardKind, points: Bool = false) -> String {
        var cats = "", symbols = ""
        for (i, e) in SoilClass.legend(standard).enumerated() {
            let c = e.colour
            let alpha = e.code == 0 ? 0 : 200
            cats += "<category render=\"true\" symbol=\"\(i)\" value=\"\(e.code)\" label=\"\(xmlEscape(e.label))\"/>"
            if points {
                symbols += """
                <symbol type="marker" name="\(i)" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" enabled="1" pass="0" locked="0">\
                <Option type="Map"><Option type="QString" name="color" value="\(c.red),\(c.green),\(c.blue),255"/>\
                <Option type="QString" name="name" value="circle"/><Option type="QString" name="size" value="2.4"/>\
                <Option type="QString" name="outline_color" value="40,40,40,255"/></Option>\
                <prop k="color" v="\(c.red),\(c.green),\(c.blue),255"/><prop k="name" v="circle"/><prop k="size" v="2.4"/>\
                <prop k="outline_color" v="40,40,40,255"/></layer></symbol>
                """
                continue
            }
            symbols += """
            <symbol type="fill" name="\(i)" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0">\
            <Option type="Map"><Option type="QString" name="color" value="\(c.red),\(c.green),\(c.blue),\(alpha)"/>\
            <Option type="QString" name="outline_color" value="90,90,90,255"/><Option type="QString" name="outline_width" value="0.1"/>\
            <Option type="QString" name="style" value="solid"/></Option>\
            <prop k="color" v="\(c.red),\(c.green),\(c.blue),\(alpha)"/><prop k="outline_color" v="90,90,90,255"/>\
            <prop k="outline_width" v="0.1"/><prop k="style" v="solid"/></layer></symbol>
            """
        }
        return """
        <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
        <qgis version="3.28" styleCategories="Symbology">
        <renderer-v2 type="categorizedSymbol" attr="\(field)" symbollevels="0" enableorderby="0" forceraster="0">
        <categories>\(cats)</categories><symbols>\(symbols)</symbols></renderer-v2>
        </qgis>
        """
    }

    static func sqlQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// SQL creating `layer_styles` (the QGIS schema) and inserting the default style of `layer`.
    static func layerStylesSQL(layer: String, field: String, standard: StandardKind, points: Bool = false) -> [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), \
            f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), \
            styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME)
            """,
            """
            INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, \
            styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', \(sqlQuote(layer)), 'geom', \
            'soilmap classes', \(sqlQuote(classQML(field: field, standard: standard, points: points))), '', 1, \
            'Soil classes by SoilMap', 'soilmap', '', '2000-01-01T00:00:00Z')
            """,
        ]
    }
}

extension VectorWriter {
    func executeSQLStatements(_ statements: [String]) throws {
        for s in statements { try executeSQL(s) }
    }
}

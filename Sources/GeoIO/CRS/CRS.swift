import CGDAL

/// A coordinate reference system, as a value.
///
/// Stored as WKT2 (ISO 19162:2019) text plus properties read once when it is made, so a
/// `CRS` is a plain `Sendable` value that any worker can use; GDAL/PROJ objects are
/// made from it on demand by the code that needs them.
///
/// Axis order: SoilMap's API always uses x = easting or longitude, y = northing or
/// latitude ("traditional GIS order"), whatever the authority's definition says.
public struct CRS: Sendable, Hashable, CustomStringConvertible {
    /// WKT2:2019 text of the CRS.
    public let wkt: String
    /// Its name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 114E".
    public let name: String
    /// The authority and code it is identified with, e.g. ("EPSG", "4547"), when known.
    public let authority: (name: String, code: String)?
    /// Whether coordinates are longitude/latitude angles.
    public let isGeographic: Bool
    /// Whether it is a projected CRS (planar coordinates in ``linearUnitName``).
    public let isProjected: Bool
    /// Linear unit name ("metre") and its size in metres; degrees for geographic CRSs have none.
    public let linearUnitName: String?
    public let metresPerLinearUnit: Double?
    /// The ellipsoid of its datum.
    public let ellipsoid: Ellipsoid
    /// Whether ``wkt`` is exactly the EPSG registry's definition of ``epsg``, so that handles can
    /// be made from the registry: those carry identifiers on every component (datum, ellipsoid,
    /// units), which GDAL's GeoTIFF writer otherwise looks up by name in proj.db — 5–25 ms per
    /// raster written.
    let isRegistryDefinition: Bool

    /// The EPSG code, when the CRS is identified as an EPSG entry.
    public var epsg: Int? {
        guard let a = authority, a.name.uppercased() == "EPSG" else { return nil }
        return Int(a.code)
    }

    /// Creates a CRS from anything GDAL's `OSRSetFromUserInput` accepts: `EPSG:4547`,
    /// a bare EPSG number, WKT (1 or 2, ESRI too), a PROJ string, or the path of a
    /// `.prj` file.
    ///
    /// - Throws: ``InputError`` (`badValue`) naming the text when it does not define a CRS.
    public init(_ definition: String) throws(InputError) {
        let text = definition.trimmingCharacters(in: .whitespacesAndNewlines)
        let input = Int(text) != nil ? "EPSG:\(text)" : text
        let result: OGRSpatialReferenceH? = withGDALErrors { errs in
            guard let srs = OSRNewSpatialReference(nil) else { return nil }  // NULL on OOM only
            // OSRSetFromUserInput: returns OGRERR_NONE (0) on success.
            if OSRSetFromUserInput(srs, input) != OGRERR_NONE {
                OSRRelease(srs)
                return nil
            }
            return srs
        }
        guard let srs = result else {
            throw InputError(.badValue, path: nil, location: nil,
                             "'\(definition)' is not a coordinate reference system GDAL/PROJ knows; give an EPSG code (EPSG:4547), WKT, a PROJ string or a .prj file")
        }
        defer { OSRRelease(srs) }
        let upper = input.uppercased()
        self.init(handle: srs, fromEPSGCode: upper.hasPrefix("EPSG:") && Int(upper.dropFirst(5)) != nil)
    }

    /// The CRS with the given EPSG code.
    public init(epsg: Int) throws(InputError) { try self.init("EPSG:\(epsg)") }

    /// Reads the properties of an OSR handle (borrowed; not released here).
    /// `fromEPSGCode`: the handle was made from an EPSG code (so it is the registry's definition).
    init(handle srs: OGRSpatialReferenceH, fromEPSGCode: Bool = false) {
        GDALRuntime.ensureRegistered()
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER)
        var wktPtr: UnsafeMutablePointer<CChar>? = nil
        let opts = CStringList(["FORMAT=WKT2_2019"])
        _ = OSRExportToWktEx(srs, &wktPtr, opts.constPointer)  // returns OGRERR_NONE on success; leaves NULL otherwise
        self.wkt = takeCPLString(wktPtr) ?? ""
        self.name = OSRGetName(srs).map { String(cString: $0) } ?? "unnamed"
        // Identify the authority code: use the one present, else ask GDAL to find a
        // 100 %-confidence EPSG match (as ogrinfo does for ESRI .prj files).
        var auth: (String, String)? = nil
        if let n = OSRGetAuthorityName(srs, nil), let c = OSRGetAuthorityCode(srs, nil) {
            auth = (String(cString: n), String(cString: c))
        } else {
            var count: Int32 = 0
            var confidences: UnsafeMutablePointer<Int32>? = nil
            // OSRFindMatches: returns NULL when there is no candidate.
            if let matches = OSRFindMatches(srs, nil, &count, &confidences) {
                if count > 0, let confidences, confidences[0] >= 100, let best = matches[0],
                   let n = OSRGetAuthorityName(best, nil), let c = OSRGetAuthorityCode(best, nil) {
                    auth = (String(cString: n), String(cString: c))
                }
                OSRFreeSRSArray(matches)
                VSIFree(confidences)
            }
        }
        self.authority = auth
        self.isGeographic = OSRIsGeographic(srs) != 0
        self.isProjected = OSRIsProjected(srs) != 0
        if isGeographic {
            linearUnitName = nil
            metresPerLinearUnit = nil
        } else {
            var unitName: UnsafeMutablePointer<CChar>? = nil
            let m = OSRGetLinearUnits(srs, &unitName)
            linearUnitName = unitName.map { String(cString: $0) }
            metresPerLinearUnit = m
        }
        var err: OGRErr = OGRERR_NONE
        let a = OSRGetSemiMajor(srs, &err)
        let invf = OSRGetInvFlattening(srs, &err)
        self.ellipsoid = Ellipsoid(semiMajorAxis: a, inverseFlattening: invf)
        var registry = false
        if let a = auth, a.0.uppercased() == "EPSG", let code = Int32(a.1) {
            if fromEPSGCode {
                registry = true
            } else if let reg = Self.registryHandle(code) {
                var p: UnsafeMutablePointer<CChar>? = nil
                _ = OSRExportToWktEx(reg, &p, opts.constPointer)  // OGRERR_NONE on success; NULL otherwise
                registry = takeCPLString(p) == wkt
                OSRRelease(reg)
            }
        }
        isRegistryDefinition = registry
    }

    /// A new handle for EPSG `code` from PROJ's registry (traditional GIS axis order), or nil.
    private static func registryHandle(_ code: Int32) -> OGRSpatialReferenceH? {
        guard let srs = OSRNewSpatialReference(nil) else { return nil }  // NULL on OOM only
        // OSRImportFromEPSG: OGRERR_NONE on success.
        guard OSRImportFromEPSG(srs, code) == OGRERR_NONE else { OSRRelease(srs); return nil }
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER)
        return srs
    }

    /// A new OSR handle for this CRS, owned by the caller (release with `OSRRelease`).
    func makeHandle() -> OGRSpatialReferenceH? {
        GDALRuntime.ensureRegistered()
        if isRegistryDefinition, let code = epsg.flatMap(Int32.init(exactly:)), let srs = Self.registryHandle(code) { return srs }
        guard let srs = OSRNewSpatialReference(nil) else { return nil }
        // OSRSetFromUserInput: OGRERR_NONE on success; our own WKT2 always parses.
        if OSRSetFromUserInput(srs, wkt) != OGRERR_NONE {
            OSRRelease(srs)
            return nil
        }
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER)
        return srs
    }

    /// Whether the two CRSs describe the same system (GDAL `OSRIsSame`, ignoring names
    /// and data-axis order), as opposed to `==`, which compares the WKT text.
    public func isEquivalent(to other: CRS) -> Bool {
        if wkt == other.wkt { return true }
        guard let a = makeHandle() else { return false }
        defer { OSRRelease(a) }
        guard let b = other.makeHandle() else { return false }
        defer { OSRRelease(b) }
        let opts = CStringList(["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS"])
        return OSRIsSameEx(a, b, opts.constPointer) != 0
    }

    /// The geographic CRS of this CRS's datum (longitude/latitude in degrees).
    public func geographicCRS() throws(InputError) -> CRS {
        guard let srs = makeHandle() else { throw InputError(.badValue, path: nil, "cannot rebuild CRS \(name)") }
        defer { OSRRelease(srs) }
        if isGeographic { return self }
        guard let geog = OSRCloneGeogCS(srs) else {  // NULL when there is no geographic base
            throw InputError(.unsupported, path: nil, "CRS \(name) has no geographic base CRS, so geodesic areas cannot be computed; use planar areas")
        }
        defer { OSRRelease(geog) }
        return CRS(handle: geog)
    }

    /// PROJ string of this CRS (for messages and provenance), when it can be expressed as one.
    public var projString: String? {
        guard let srs = makeHandle() else { return nil }
        defer { OSRRelease(srs) }
        var p: UnsafeMutablePointer<CChar>? = nil
        guard OSRExportToProj4(srs, &p) == OGRERR_NONE else { VSIFree(p); return nil }
        return takeCPLString(p)
    }

    /// "EPSG:4547" when identified, else the name.
    public var shortName: String {
        if let a = authority { return "\(a.name):\(a.code)" }
        return name
    }

    public var description: String {
        if let a = authority { return "\(name) (\(a.name):\(a.code))" }
        return name
    }

    public static func == (l: CRS, r: CRS) -> Bool { l.wkt == r.wkt }
    public func hash(into h: inout Hasher) { h.combine(wkt) }
}

/// A reference ellipsoid.
///
/// - Units: metres for the semi-major axis.
/// - `inverseFlattening` is 0 for a sphere (GDAL's convention).
public struct Ellipsoid: Sendable, Hashable {
    public var semiMajorAxis: Double
    public var inverseFlattening: Double

    public init(semiMajorAxis: Double, inverseFlattening: Double) {
        self.semiMajorAxis = semiMajorAxis
        self.inverseFlattening = inverseFlattening
    }

    /// Flattening f = 1 / inverseFlattening (0 for a sphere).
    public var flattening: Double { inverseFlattening == 0 ? 0 : 1 / inverseFlattening }

    /// WGS 84 (EPSG:7030): a = 6378137 m, 1/f = 298.257223563.
    public static let wgs84 = Ellipsoid(semiMajorAxis: 6_378_137, inverseFlattening: 298.257223563)
    /// CGCS2000 (EPSG:1024): a = 6378137 m, 1/f = 298.257222101 (the GRS 1980 value).
    public static let cgcs2000 = Ellipsoid(semiMajorAxis: 6_378_137, inverseFlattening: 298.257222101)
}

extension Project {
    /// A commented template for `soilmap init`.
    public static let template = """
    # SoilMap project file (YAML). Paths are relative to this file.
    # Run it with:  soilmap run THIS_FILE [-o OUTDIR] [--overwrite]
    name: County soil survey

    samples:                      # soil sample points: CSV with coordinates, or any point layer
      path: samples.csv
      x: lon                      # coordinate columns (guessed when omitted: x/y, lon/lat, 经度/纬度)
      y: lat
      crs: EPSG:4326              # CRS of the samples (required for CSV; WGS 84 lon/lat here)
      id: sample_id               # sample identifiers (must be unique)
      below_detection: half       # values written <DL: half | limit | zero | drop

    parcels:                      # farmland parcels to classify
      path: farmland.gpkg
      layer: parcels
      id_field: parcel_id
      township_field: town_name   # omit to assign townships by the township polygons below
      land_use_field: land_use
      land_use_map: {水田: paddy, 旱地: other, 水浇地: other, 果园: orchard, 水旱轮作: rotation}
      # encoding: GBK            # for a shapefile without .cpg

    townships:                    # township boundaries (for the maps, and for parcels without township_field)
      path: farmland.gpkg
      layer: townships
      name_field: name

    standard: gb15618             # gb15618 | gb36600-1 | gb36600-2 | path/to/thresholds.csv

    pollutants:                   # counted in the classification unless classify: false
      - {name: Cd, method: auto}  # auto = lowest leave-one-out RMSE of IDW p1-3, OK, lognormal OK
      - {name: Hg, method: auto}
      - {name: As, method: auto}
      - {name: Pb, method: auto}
      - {name: Cr, method: auto}
      - {name: Cu, method: idw, classify: false}

    ph: {field: pH, method: auto}

    interpolation:                # defaults for every variable
      max_points: 16              # nearest samples used per cell
      min_points: 3               # fewer within radius -> nodata
      # radius: 5000              # metres
      power: 2                    # IDW power when method: idw

    grid:
      resolution: 10              # metres
      crs: auto                   # auto: the parcels' CRS if projected, else the CGCS2000 GK zone
      margin: 100                 # metres around the parcels
      land_use: other             # land use for the class raster (cells outside parcels)

    # monitoring:                 # soil around key supervised enterprises (points or site polygons)
    #   path: enterprises.gpkg
    #   id_field: enterprise_id
    #   name_field: name
    #   rings: [0, 500, 1000, 2000] # ring limits in metres
    #   land_use: other            # GB 15618 land use around them

    parcel_rule: mean             # mean | majority | worst
    area: geodesic                # geodesic (ellipsoid) | planar
    outputs:
      dir: soilmap-output
      # compress: deflate         # deflate (read by every GIS) | zstd (about half the CPU; QGIS yes, ArcGIS 10.x no)
      # surfaces: study_area      # study_area (townships, parcels, monitoring rings; nodata elsewhere) | grid (the whole rectangle)
    """
}

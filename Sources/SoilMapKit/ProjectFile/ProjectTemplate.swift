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
      land_use_field: land_use     # 三调 DLBM codes (0101 …) or DLMC names (水田 …) need no map; other land is left out
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

    # crops:                      # co-monitored crop samples (农产品协同监测), graded by GB 2762-2022
    #   path: crops.csv
    #   x: lon
    #   y: lat
    #   crs: EPSG:4326
    #   id: sample_id
    #   crop_field: crop           # 稻谷, 小麦, 玉米, 叶菜类蔬菜 … (水稻, rice, 菠菜 … are known too)
    #   crop_map: {早籼稻: 稻谷}    # other names of your crops
    #   pair_field: soil_sample    # the soil sample each was taken with (optional)
    #   limits: gb2762             # or a CSV with the columns of GB 2762's table
    #   fields: {Cd: 镉, Pb: 铅}    # contaminant: column (default: columns named Cd, Pb, Hg, As, Cr)

    # classification:             # the official classification of 图斑 (units), soil and crops
    #   unit_field: PJDYBH         # parcels sharing a value form one evaluation unit (default: each 图斑)
    #   village_field: ZLDWMC      # 坐落单位名称; village_code_field: ZLDWDM
    #   township_code_field: town_code
    #   soil_class_from: surfaces  # surfaces (parcel rule) | points (worst sample inside) | both
    #   min_crop_samples: 3        # crop rules (MEE/MARA 2019 guide, county practice)
    #   compliant_share: 0.65
    #   severe_factor: 2
    #   measure_field: AQLYCS      # 安全利用 / 治理修复 / 严格管控 / 无, for the safe-utilization rate
    #   measure_met_field: NCPDB   # 是 / 否: the unit's crops met the standard

    parcel_rule: mean             # mean | majority | worst
    area: geodesic                # geodesic (ellipsoid) | planar | field:TBDLMJ (official 图斑 areas, m²)
    outputs:
      dir: soilmap-output
      # compress: deflate         # deflate (read by every GIS) | zstd (about half the CPU; QGIS yes, ArcGIS 10.x no)
      # surfaces: study_area      # study_area (townships, parcels, monitoring rings; nodata elsewhere) | grid (the whole rectangle)
    """
}

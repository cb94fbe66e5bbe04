#!/usr/bin/python3
"""Reference per-zone, per-class planar areas from exactextract for SoilMapKitTests
(ZoneAreasExactextractTests). Seeded and reproducible.

Run with Debian's python3 (numpy + GDAL's osgeo bindings, GDAL 3.6.2), passing a Python that
has exactextract (tested with exactextract 0.3.0 from PyPI in a venv):

    /usr/bin/python3 make_exactextract_areas.py /path/to/venv/bin/python

Writes, next to this script:
  classes_4547.tif     UInt8 GeoTIFF, EPSG:4547 (CGCS2000 / 3-degree GK CM 114E), 80 x 60 cells
                       of 20 m, classes 1-3 in clusters, nodata 0 (a block and scattered cells)
  zones_4547.gpkg      layer "zones", field "name": 26 polygons (stars, some with holes, some
                       across the raster edges, one larger than the raster, one outside it, a
                       multipolygon, a box on cell edges); two features share the name "Z07"
  expected_zone_class_areas.csv   name,class,area_m2 = exactextract frac x count x cell area,
                       summed over the features with that name (the coverage-weighted area
                       of the class inside the zone: sum of coverage x 400 m2)
"""
import json
import math
import os
import random
import subprocess
import sys

import numpy as np
from osgeo import gdal, ogr, osr

HERE = os.path.dirname(os.path.abspath(__file__))
COLS, ROWS = 80, 60
MINX, MAXY, DX, DY = 500000.0, 3300000.0, 20.0, 20.0
MAXX, MINY = MINX + COLS * DX, MAXY - ROWS * DY
NODATA = 0

rng = random.Random(4547)
nrng = np.random.default_rng(15618)

# --- class raster: a smooth field cut into 3 classes, plus nodata ----------------------
yy, xx = np.mgrid[0:ROWS, 0:COLS]
field = np.sin(xx / 9.0) + np.cos(yy / 7.0) + 0.35 * nrng.standard_normal((ROWS, COLS))
classes = np.where(field < -0.4, 1, np.where(field < 0.8, 2, 3)).astype(np.uint8)
classes[5:9, 60:70] = NODATA                        # a nodata block
classes[nrng.random((ROWS, COLS)) < 0.02] = NODATA  # scattered nodata cells

srs = osr.SpatialReference()
srs.ImportFromEPSG(4547)
tif = os.path.join(HERE, "classes_4547.tif")
ds = gdal.GetDriverByName("GTiff").Create(tif, COLS, ROWS, 1, gdal.GDT_Byte, ["COMPRESS=DEFLATE"])
ds.SetGeoTransform([MINX, DX, 0, MAXY, 0, -DY])
ds.SetProjection(srs.ExportToWkt())
b = ds.GetRasterBand(1)
b.SetNoDataValue(NODATA)
b.WriteArray(classes)
ds = None


# --- zones -----------------------------------------------------------------------------
def star(cx, cy, r0, r1, n):
    angles = [(k + rng.uniform(0, 0.9)) * 2 * math.pi / n for k in range(n)]
    pts = [(round(cx + rng.uniform(r0, r1) * math.cos(a), 3), round(cy + rng.uniform(r0, r1) * math.sin(a), 3))
           for a in angles]
    return pts + [pts[0]]


def box(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]


zones = []  # (name, list of polygons, each a list of rings)
for i in range(20):
    cx = rng.uniform(MINX - 60, MAXX + 60)   # some cross the raster edges
    cy = rng.uniform(MINY - 60, MAXY + 60)
    rmax = rng.uniform(40, 260)
    n = rng.randint(5, 14)
    rings = [star(cx, cy, 0.55 * rmax, rmax, n)]
    if i % 3 == 0 and n >= 8:
        rings.append(list(reversed(star(cx, cy, 0.1 * rmax, 0.3 * rmax, rng.randint(3, 8)))))
    zones.append((f"Z{i + 1:02d}", [rings]))
zones.append(("Z07", [[box(MINX + 3 * DX, MAXY - 58 * DY, MINX + 9 * DX, MAXY - 52 * DY)]]))     # second part of Z07
zones.append(("cells", [[box(MINX + 40 * DX, MAXY - 30 * DY, MINX + 44 * DX, MAXY - 27 * DY)]]))  # on cell edges
zones.append(("all", [[box(MINX - 100, MINY - 100, MAXX + 100, MAXY + 100),
                       list(reversed(box(MINX + 200, MINY + 200, MINX + 500, MINY + 420)))]]))   # whole raster, hole
zones.append(("outside", [[box(MAXX + 50, MINY, MAXX + 150, MINY + 100)]]))
zones.append(("multi", [[star(MINX + 300, MAXY - 300, 30, 90, 9), list(reversed(star(MINX + 300, MAXY - 300, 5, 15, 5)))],
                        [star(MINX + 1200, MAXY - 800, 40, 120, 7)]]))
zones.append(("west_edge", [[star(MINX - 3.3, MAXY - 633.3, 40, 150, 10)]]))


def ring_wkt(r):
    return "(" + ", ".join(f"{x!r} {y!r}" for x, y in r) + ")"


def wkt(polys):
    if len(polys) == 1:
        return "POLYGON (" + ", ".join(ring_wkt(r) for r in polys[0]) + ")"
    return "MULTIPOLYGON (" + ", ".join("(" + ", ".join(ring_wkt(r) for r in p) + ")" for p in polys) + ")"


gpkg = os.path.join(HERE, "zones_4547.gpkg")
if os.path.exists(gpkg):
    os.remove(gpkg)
vds = ogr.GetDriverByName("GPKG").CreateDataSource(gpkg)
lyr = vds.CreateLayer("zones", srs, ogr.wkbMultiPolygon)
lyr.CreateField(ogr.FieldDefn("name", ogr.OFTString))
for name, polys in zones:
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetField("name", name)
    f.SetGeometry(ogr.ForceToMultiPolygon(ogr.CreateGeometryFromWkt(wkt(polys))))
    lyr.CreateFeature(f)
vds = None

# --- exactextract (in the Python that has it) on the same array and polygons ------------
features = [{"type": "Feature", "properties": {"fid": k, "name": name},
             "geometry": json.loads(ogr.CreateGeometryFromWkt(wkt(polys)).ExportToJson())}
            for k, (name, polys) in enumerate(zones)]
job = json.dumps({"classes": classes.tolist(), "features": features,
                  "extent": [MINX, MINY, MAXX, MAXY], "nodata": NODATA})
runner = r'''
import json, sys
import numpy as np
from exactextract import exact_extract
from exactextract.feature import JSONFeatureSource
from exactextract.raster import NumPyRasterSource
job = json.load(sys.stdin)
r = NumPyRasterSource(np.array(job["classes"], dtype=np.uint8), *job["extent"], nodata=job["nodata"])
out = exact_extract(r, JSONFeatureSource(job["features"]), ["unique", "frac", "count"], include_cols=["fid"])
res = []
for f in out:
    p = f["properties"]
    res.append({"fid": p["fid"], "count": float(p["count"]),
                "unique": [int(u) for u in p["unique"]], "frac": [float(x) for x in p["frac"]]})
json.dump(res, sys.stdout)
'''
res = json.loads(subprocess.run([sys.argv[1], "-c", runner], input=job, capture_output=True, text=True, check=True).stdout)

areas = {}  # (name, class) -> m2
order = []
for r in sorted(res, key=lambda r: r["fid"]):
    name = zones[r["fid"]][0]
    if name not in order:
        order.append(name)
    for u, fr in zip(r["unique"], r["frac"]):
        areas[(name, u)] = areas.get((name, u), 0.0) + fr * r["count"] * DX * DY
with open(os.path.join(HERE, "expected_zone_class_areas.csv"), "w") as f:
    f.write("name,class,area_m2\n")
    for name in order:
        for (n, k) in sorted(k for k in areas if k[0] == name):
            f.write(f"{name},{k},{areas[(n, k)]!r}\n")
print(f"{len(zones)} zones, {len(areas)} zone/class rows written to {HERE}")

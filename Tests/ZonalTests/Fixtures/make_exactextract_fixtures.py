#!/usr/bin/env python3
"""Generate the exactextract reference fixtures for ZonalTests (seeded, reproducible).

Needs only numpy and exactextract from PyPI (no GDAL): `pip install exactextract`.
Tested with exactextract 0.3.0, numpy 2.4.6, Python 3.11.

Writes, next to this script:
  raster_classes.txt   UInt8 class raster (classes 1-3, nodata 255)
  raster_values.txt    Float64 value raster (nodata -9999)
      both: header "columns rows minX maxY cellWidth cellHeight nodata", then one line per row, north first
  zones.wkt            "id<TAB>WKT" per zone (POLYGON or MULTIPOLYGON)
  expected_class_areas.csv   zone,class,area  planar area of each class in the zone:
                             exactextract frac x count x cell area (m2)
  expected_stats.csv         zone,count,sum,mean,min,max  of the value raster
                             (count = sum of coverage over cells with data, exactextract's definition)
  expected_coverage.csv      zone,row,column,fraction  per-cell coverage (exactextract coverage + cell_id);
                             exactextract stores coverage as float32 and lists only cells with data
  expected_coverage_exact.csv  zone,row,column,fraction  independent exact reference: each ring clipped to
                             each cell (Sutherland-Hodgman) in rational arithmetic (fractions.Fraction),
                             area(exterior) - area(holes), rounded to double once at the end
"""
import math
import os
import random
from fractions import Fraction

import numpy as np
from exactextract import exact_extract
from exactextract.feature import JSONFeatureSource
from exactextract.raster import NumPyRasterSource

HERE = os.path.dirname(os.path.abspath(__file__))
COLS, ROWS = 60, 40
MINX, MAXY, DX, DY = 500000.0, 3400000.0, 20.0, 20.0
MAXX, MINY = MINX + COLS * DX, MAXY - ROWS * DY
CLASS_NODATA, VALUE_NODATA = 255, -9999.0

rng = random.Random(15618)
nrng = np.random.default_rng(36600)

# --- rasters -------------------------------------------------------------------------
yy, xx = np.mgrid[0:ROWS, 0:COLS]
field = np.sin(xx / 7.0) + np.cos(yy / 5.0) + 0.6 * nrng.standard_normal((ROWS, COLS))
classes = np.where(field < -0.5, 1, np.where(field < 0.7, 2, 3)).astype(np.uint8)
classes[nrng.random((ROWS, COLS)) < 0.03] = CLASS_NODATA
values = (0.3 + 0.2 * np.sin(xx / 9.0) * np.cos(yy / 6.0) + 0.05 * nrng.standard_normal((ROWS, COLS)))
values = np.round(values, 6)
values[nrng.random((ROWS, COLS)) < 0.05] = VALUE_NODATA


# --- zones ---------------------------------------------------------------------------
def star(cx, cy, r0, r1, n):
    # jittered, evenly spaced angles: the ring is simple and contains a disc of radius ~0.37 r1 when n >= 8
    angles = [(k + rng.uniform(0, 0.9)) * 2 * math.pi / n for k in range(n)]
    pts = [(round(cx + rng.uniform(r0, r1) * math.cos(a), 3), round(cy + rng.uniform(r0, r1) * math.sin(a), 3))
           for a in angles]
    return pts + [pts[0]]  # counter-clockwise


def ring_wkt(pts):
    return "(" + ", ".join(f"{x!r} {y!r}" for x, y in pts) + ")"


def poly_wkt(rings):
    return "(" + ", ".join(ring_wkt(r) for r in rings) + ")"


def box(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]


zones = []  # list of lists of polygons (each polygon = list of rings)
for i in range(22):
    cx = rng.uniform(MINX - 80, MAXX + 80)
    cy = rng.uniform(MINY - 80, MAXY + 80)
    rmax = rng.uniform(25, 220)
    n = rng.randint(4, 14)
    ext = star(cx, cy, 0.55 * rmax, rmax, n)
    rings = [ext]
    if i % 3 == 0 and n >= 8:  # a hole well inside the exterior (clockwise)
        rings.append(list(reversed(star(cx, cy, 0.1 * rmax, 0.3 * rmax, rng.randint(3, 8)))))
    zones.append([rings])
# special cases
zones.append([[box(MINX + 5 * DX, MAXY - 8 * DY, MINX + 6 * DX, MAXY - 7 * DY)]])            # exactly one cell
zones.append([[box(MINX + 10 * DX, MAXY - 20 * DY, MINX + 14 * DX, MAXY - 17 * DY)]])         # vertices on cell corners
zones.append([[[(MINX + 30 * DX, MAXY - 30 * DY), (MINX + 33.5 * DX, MAXY - 30 * DY),
                (MINX + 33.5 * DX, MAXY - 26 * DY), (MINX + 30 * DX, MAXY - 30 * DY)]]])      # vertices on cell boundaries
zones.append([[box(MINX - 100, MINY - 100, MAXX + 100, MAXY + 100),
               list(reversed(box(MINX + 100, MINY + 100, MINX + 300, MINY + 250)))]])         # larger than the grid, with hole
zones.append([[box(MAXX + 50, MINY, MAXX + 150, MINY + 100)]])                                 # outside the grid
zones.append([[star(MINX + 200, MAXY - 200, 30, 90, 9), list(reversed(star(MINX + 200, MAXY - 200, 5, 15, 5)))], [star(MINX + 900, MAXY - 600, 40, 120, 7)]])  # multipolygon
zones.append([[list(reversed(star(MINX + 600.3, MAXY - 400.7, 50, 110, 11)))]])                # clockwise exterior
zones.append([[star(MINX - 3.3, MAXY - 333.3, 40, 150, 10)]])                                  # across the west edge

features = []
for zid, polys in enumerate(zones, start=1):
    if len(polys) == 1:
        geom = {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in polys[0]]}
        wkt = "POLYGON " + poly_wkt(polys[0])
    else:
        geom = {"type": "MultiPolygon", "coordinates": [[[list(p) for p in r] for r in poly] for poly in polys]}
        wkt = "MULTIPOLYGON (" + ", ".join(poly_wkt(p) for p in polys) + ")"
    features.append(({"type": "Feature", "properties": {"zone": zid}, "geometry": geom}, wkt))

# --- exactextract --------------------------------------------------------------------
crast = NumPyRasterSource(classes, MINX, MINY, MAXX, MAXY, nodata=CLASS_NODATA, name="classes")
vrast = NumPyRasterSource(values, MINX, MINY, MAXX, MAXY, nodata=VALUE_NODATA, name="values")


def run(rast, ops):
    src = JSONFeatureSource([f for f, _ in features])
    return exact_extract(rast, src, ops, include_cols=["zone"])


out_c = run(crast, ["unique", "frac", "count"])
out_v = run(vrast, ["count", "sum", "mean", "min", "max"])
out_cov = run(vrast, ["cell_id", "coverage"])


def write_grid(name, arr, nodata, fmt):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(f"{COLS} {ROWS} {MINX!r} {MAXY!r} {DX!r} {DY!r} {fmt(nodata)}\n")
        for row in arr:
            f.write(" ".join(fmt(v) for v in row) + "\n")


write_grid("raster_classes.txt", classes, CLASS_NODATA, lambda v: str(int(v)))
write_grid("raster_values.txt", values, VALUE_NODATA, lambda v: repr(float(v)))

with open(os.path.join(HERE, "zones.wkt"), "w") as f:
    for (feat, wkt) in features:
        f.write(f"{feat['properties']['zone']}\t{wkt}\n")

with open(os.path.join(HERE, "expected_class_areas.csv"), "w") as f:
    f.write("zone,class,area\n")
    for feat in out_c:
        p = feat["properties"]
        uniq, frac, count = p["unique"], p["frac"], p["count"]
        for k, fr in sorted(zip(list(uniq), list(frac))):
            f.write(f"{p['zone']},{int(k)},{float(fr) * float(count) * DX * DY!r}\n")

def opt(v):
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else repr(float(v))

with open(os.path.join(HERE, "expected_stats.csv"), "w") as f:
    f.write("zone,count,sum,mean,min,max\n")
    for feat in out_v:
        p = feat["properties"]
        f.write(f"{p['zone']},{opt(p['count'])},{opt(p['sum'])},{opt(p['mean'])},{opt(p['min'])},{opt(p['max'])}\n")

with open(os.path.join(HERE, "expected_coverage.csv"), "w") as f:
    f.write("zone,row,column,fraction\n")
    for feat in out_cov:
        p = feat["properties"]
        for cid, cov in sorted(zip(list(p["cell_id"]), list(p["coverage"]))):
            if cov > 0:
                f.write(f"{p['zone']},{int(cid) // COLS},{int(cid) % COLS},{float(cov)!r}\n")



# --- exact rational reference ---------------------------------------------------------
def clip(poly, inside, cross):
    out = []
    for i in range(len(poly)):
        p, q = poly[i - 1], poly[i]
        if inside(q):
            if not inside(p):
                out.append(cross(p, q))
            out.append(q)
        elif inside(p):
            out.append(cross(p, q))
    return out


def clip_to_box(ring, x0, y0, x1, y1):
    pts = [(Fraction(x), Fraction(y)) for x, y in ring[:-1]]
    def xcut(c):
        return lambda p, q: (c, p[1] + (q[1] - p[1]) * (c - p[0]) / (q[0] - p[0]))
    def ycut(c):
        return lambda p, q: (p[0] + (q[0] - p[0]) * (c - p[1]) / (q[1] - p[1]), c)
    for inside, cross in ((lambda p: p[0] >= x0, xcut(x0)), (lambda p: p[0] <= x1, xcut(x1)),
                          (lambda p: p[1] >= y0, ycut(y0)), (lambda p: p[1] <= y1, ycut(y1))):
        pts = clip(pts, inside, cross)
        if not pts:
            return []
    return pts


def area(pts):
    return abs(sum(pts[i - 1][0] * pts[i][1] - pts[i][0] * pts[i - 1][1] for i in range(len(pts)))) / 2


with open(os.path.join(HERE, "expected_coverage_exact.csv"), "w") as f:
    f.write("zone,row,column,fraction\n")
    for zid, polys in enumerate(zones, start=1):
        xs = [x for poly in polys for x, _ in poly[0]]
        ys = [y for poly in polys for _, y in poly[0]]
        c0, c1 = max(0, math.floor((min(xs) - MINX) / DX)), min(COLS, math.ceil((max(xs) - MINX) / DX))
        r0, r1 = max(0, math.floor((MAXY - max(ys)) / DY)), min(ROWS, math.ceil((MAXY - min(ys)) / DY))
        for r in range(r0, r1):
            for c in range(c0, c1):
                x0, x1 = Fraction(MINX) + c * Fraction(DX), Fraction(MINX) + (c + 1) * Fraction(DX)
                y1, y0 = Fraction(MAXY) - r * Fraction(DY), Fraction(MAXY) - (r + 1) * Fraction(DY)
                a = Fraction(0)
                for poly in polys:
                    a += area(clip_to_box(poly[0], x0, y0, x1, y1))
                    for hole in poly[1:]:
                        a -= area(clip_to_box(hole, x0, y0, x1, y1))
                if a != 0:
                    f.write(f"{zid},{r},{c},{float(a / (Fraction(DX) * Fraction(DY)))!r}\n")

print(f"{len(features)} zones written to {HERE}")

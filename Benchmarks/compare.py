#!/usr/bin/python3
"""Identity checks between SoilMap's outputs and the reference tools' outputs
(called by Benchmarks/run.sh; usable alone).

    /usr/bin/python3 Benchmarks/compare.py grid SOILMAP.tif REFERENCE.tif [--shift S]
    /usr/bin/python3 Benchmarks/compare.py areas SOILMAP_AREAS.csv EXACTEXTRACT.csv CLASSES.tif

Each prints one JSON object on stdout; "summary" is the short text run.sh puts in the
results table. Exit status 0 when the comparison could be made (whatever the differences),
2 when it could not (missing file, different grids).

grid: both rasters must have the same size and geotransform (compared to 1e-9 of a cell).
  Over the cells valid in both (not nodata, not NaN): max |a - b|, max |a - b| / |b|
  (cells with |b| < 1e-12 left out), RMS difference, the number of cells differing by more
  than 1e-4 relative (beyond Float32 rounding: another neighbour set, say), and the number of cells valid in
  only one of the two (a different nodata footprint: radius, min-points). --shift S is
  subtracted from SOILMAP's values first (run.sh kriges ln(value) + S, as soilmap refuses
  negative concentrations).
areas: SoilMap's `soilmap areas --raster` CSV (zone, class, area_m2, ...; long format,
  UTF-8 with or without BOM) against exactextract_zonal.py's CSV (parcel_id, cov_1..3 in
  coverage-weighted cells). Reference area = cov_k × cell area of CLASSES.tif. Every
  (parcel, class) pair present in either file with area > 0 is compared (missing = 0).
"""
import csv
import json
import math
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def read_band(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    valid = np.isfinite(a)
    if nd is not None and not math.isnan(nd):
        valid &= a != nd
    return a, valid, ds.GetGeoTransform(), (ds.RasterXSize, ds.RasterYSize)


def fmt(x):
    return "%.3g" % x if x is not None else "-"


def compare_grid(a_path, b_path, shift=0.0):
    a, va, gta, sa = read_band(a_path)
    a = a - shift
    b, vb, gtb, sb = read_band(b_path)
    if sa != sb:
        return {"ok": False, "summary": "different sizes %dx%d vs %dx%d" % (sa + sb)}, 2
    cell = abs(gtb[1])
    if any(abs(x - y) > 1e-9 * cell for x, y in zip(gta, gtb)):
        return {"ok": False, "summary": "different geotransforms %s vs %s" % (gta, gtb)}, 2
    both = va & vb
    n = int(both.sum())
    only = int((va ^ vb).sum())
    res = {"ok": True, "cells": int(a.size), "compared": n, "valid_only_in_one": only,
           "valid_only_soilmap": int((va & ~vb).sum()), "valid_only_reference": int((vb & ~va).sum())}
    if n:
        d = np.abs(a[both] - b[both])
        ref = np.abs(b[both])
        nz = ref >= 1e-12
        res.update(max_abs=float(d.max()), rms=float(np.sqrt(np.mean(d * d))),
                   max_rel=float((d[nz] / ref[nz]).max()) if nz.any() else None,
                   cells_rel_over_1e4=int((d > 1e-4 * np.maximum(ref, 1e-12)).sum()),
                   ref_range=[float(b[both].min()), float(b[both].max())])
        k = int(np.argmax(np.where(both, np.abs(a - b), -1)))
        res["worst_cell"] = {"row": k // sa[0], "col": k % sa[0], "soilmap": float(a.flat[k]), "reference": float(b.flat[k])}
    res["summary"] = "max abs %s, max rel %s, rms %s; %d cells differ by > 1e-4 relative; %d cells valid in only one" % (
        fmt(res.get("max_abs")), fmt(res.get("max_rel")), fmt(res.get("rms")), res.get("cells_rel_over_1e4", 0), only)
    return res, 0


def read_soilmap_areas(path):
    out = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        r = csv.reader(fh)
        head = next(r)
        cols = {h.strip(): i for i, h in enumerate(head)}
        zi = 0  # the zone column comes first (named after --zone-field or "zone")
        ci = cols.get("class")
        ai = cols.get("area_m2")
        if ci is None or ai is None:
            raise ValueError("%s: need columns class and area_m2, have %s" % (path, head))
        for row in r:
            if not row:
                continue
            out[(row[zi], int(float(row[ci])))] = out.get((row[zi], int(float(row[ci]))), 0.0) + float(row[ai])
    return out


def read_exactextract(path, cell_area):
    out = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            for k, v in row.items():
                if k.startswith("cov_") and float(v) > 0:
                    out[(row["parcel_id"], int(k[4:]))] = float(v) * cell_area
    return out


def compare_areas(sm_path, ee_path, raster_path):
    ds = gdal.Open(raster_path)
    gt = ds.GetGeoTransform()
    cell_area = abs(gt[1] * gt[5])
    sm = read_soilmap_areas(sm_path)
    ee = read_exactextract(ee_path, cell_area)
    keys = set(k for k, v in sm.items() if v > 0) | set(ee)
    d = np.array([abs(sm.get(k, 0.0) - ee.get(k, 0.0)) for k in keys])
    ref = np.array([ee.get(k, 0.0) for k in keys])
    nz = ref > 0
    only_sm = sum(1 for k in keys if k not in ee)
    only_ee = sum(1 for k in keys if sm.get(k, 0.0) <= 0)
    zones_sm = set(z for z, _ in sm)
    zones_ee = set(z for z, _ in ee)
    res = {"ok": True, "cell_area_m2": cell_area, "pairs": len(keys), "parcels_soilmap": len(zones_sm),
           "parcels_reference": len(zones_ee), "pairs_only_soilmap": only_sm, "pairs_only_reference": only_ee,
           "total_soilmap_m2": float(sum(sm.values())), "total_reference_m2": float(sum(ee.values()))}
    if len(keys):
        res.update(max_abs_m2=float(d.max()), max_rel=float((d[nz] / ref[nz]).max()) if nz.any() else None,
                   sum_abs_m2=float(d.sum()))
    # exactextract's CSV has 6 decimals of cells: 0.5e-6 x cell area of rounding per value
    res["reference_rounding_m2"] = 0.5e-6 * cell_area
    res["summary"] = "%d parcel-class areas: max abs %s m², max rel %s; total %.1f vs %.1f m²; %d/%d pairs only in soilmap/exactextract" % (
        len(keys), fmt(res.get("max_abs_m2")), fmt(res.get("max_rel")), res["total_soilmap_m2"], res["total_reference_m2"],
        only_sm, only_ee)
    return res, 0


def main(argv):
    if len(argv) < 2 or argv[1] not in ("grid", "areas"):
        print(__doc__, file=sys.stderr)
        return 64
    try:
        if argv[1] == "grid" and len(argv) == 4:
            res, code = compare_grid(argv[2], argv[3])
        elif argv[1] == "grid" and len(argv) == 6 and argv[4] == "--shift":
            res, code = compare_grid(argv[2], argv[3], float(argv[5]))
        elif argv[1] == "areas" and len(argv) == 5:
            res, code = compare_areas(argv[2], argv[3], argv[4])
        else:
            print(__doc__, file=sys.stderr)
            return 64
    except (OSError, RuntimeError, ValueError, KeyError) as e:
        res, code = {"ok": False, "summary": "comparison failed: %s" % e}, 2
    print(json.dumps(res))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))

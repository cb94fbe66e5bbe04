#!/usr/bin/python3
"""Make the seeded benchmark problems that SoilMap and the reference tools
(gdal_grid, R gstat, exactextract) both solve.

    /usr/bin/python3 Benchmarks/reference/make_problems.py [--out Benchmarks/work] [--seed 20260101]

Writes (all EPSG:4547, CGCS2000 / 3-degree GK CM 114E, x = easting):

  interp/samples.csv      2,000 points: x,y,value (spatially correlated lognormal)
  interp/samples.vrt      OGR VRT over the CSV (layer "samples"), for gdal_grid
  interp/problem.json     extent and grid sizes (2000 x 1500 at 20 m; kriging 1000 x 750 at 40 m)
  zonal/classes.tif       2000 x 1500 UInt8 class raster (1..3, spatially clustered), 20 m
  zonal/parcels.gpkg      20,000 parcel polygons, layer "parcels", field parcel_id
  zonal/problem.json      extent, sizes, class shares

Deterministic for a given seed. Data are synthetic; do not commit them
(Benchmarks/work/ is git-ignored).
"""

import argparse
import json
import math
import os

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

XMIN, YMIN = 380000.0, 3945000.0
WIDTH_M, HEIGHT_M = 40000.0, 30000.0
NX, NY = 2000, 1500             # 20 m cells
KNX, KNY = 1000, 750            # 40 m cells for kriging
N_SAMPLES = 2000
N_PARCELS = 20000               # 160 x 125 parcel blocks of 250 x 240 m


def srs():
    s = osr.SpatialReference()
    s.ImportFromEPSG(4547)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def gaussian_field(rng, length, xy, n=256):
    """Unit-variance Gaussian random field (Gaussian covariance, range
    parameter `length` m) by the spectral method, evaluated at points xy."""
    k = rng.normal(0.0, 1.0 / length, size=(n, 2))
    phi = rng.uniform(0.0, 2 * math.pi, size=n)
    x = xy[:, 0] - XMIN
    y = xy[:, 1] - YMIN
    return math.sqrt(2.0 / n) * np.cos(np.outer(x, k[:, 0]) + np.outer(y, k[:, 1]) + phi).sum(axis=1)


def smooth_noise_grid(rng, ny, nx, sigma_cells):
    """White noise smoothed by a Gaussian kernel via FFT, standardised."""
    z = rng.standard_normal((ny, nx))
    fy = np.fft.fftfreq(ny)[:, None]
    fx = np.fft.rfftfreq(nx)[None, :]
    kernel = np.exp(-2 * (math.pi * sigma_cells) ** 2 * (fx ** 2 + fy ** 2))
    s = np.fft.irfft2(np.fft.rfft2(z) * kernel, s=(ny, nx))
    return (s - s.mean()) / s.std()


def make_interp(rng, out):
    d = os.path.join(out, "interp")
    os.makedirs(d, exist_ok=True)
    # a realistic survey: jittered grid (70 %) plus clustered extra points (30 %)
    n_grid = int(N_SAMPLES * 0.7)
    nxg = int(round(math.sqrt(n_grid * WIDTH_M / HEIGHT_M)))
    nyg = int(math.ceil(n_grid / nxg))
    gx, gy = np.meshgrid((np.arange(nxg) + 0.5) * WIDTH_M / nxg, (np.arange(nyg) + 0.5) * HEIGHT_M / nyg)
    pts = np.column_stack([gx.ravel(), gy.ravel()])[:n_grid]
    pts += rng.uniform(-0.35, 0.35, pts.shape) * [WIDTH_M / nxg, HEIGHT_M / nyg]
    centres = rng.uniform([2000, 2000], [WIDTH_M - 2000, HEIGHT_M - 2000], (12, 2))
    extra = centres[rng.integers(0, 12, N_SAMPLES - n_grid)] + rng.normal(0, 900.0, (N_SAMPLES - n_grid, 2))
    pts = np.vstack([pts, extra])
    pts[:, 0] = np.clip(pts[:, 0], 10.0, WIDTH_M - 10.0) + XMIN
    pts[:, 1] = np.clip(pts[:, 1], 10.0, HEIGHT_M - 10.0) + YMIN
    pts = np.round(pts, 2)
    # drop near-duplicates (< 5 m), which make kriging systems singular
    keep = []
    for i, p in enumerate(pts):
        if not keep or np.min(np.hypot(*(pts[keep] - p).T)) >= 5.0:
            keep.append(i)
    pts = pts[keep]
    logv = (math.log(0.18) + 0.45 * gaussian_field(rng, 6000.0, pts) + 0.25 * gaussian_field(rng, 1500.0, pts)
            + 0.12 * rng.standard_normal(len(pts)))
    val = np.round(np.exp(logv), 4)
    with open(os.path.join(d, "samples.csv"), "w", newline="\n") as fh:
        fh.write("x,y,value\n")
        for (x, y), v in zip(pts, val):
            fh.write("%.2f,%.2f,%.4f\n" % (x, y, v))
    with open(os.path.join(d, "samples.vrt"), "w") as fh:
        fh.write("""<OGRVRTDataSource>
  <OGRVRTLayer name="samples">
    <SrcDataSource relativeToVRT="1">samples.csv</SrcDataSource>
    <SrcLayer>samples</SrcLayer>
    <GeometryType>wkbPoint</GeometryType>
    <LayerSRS>EPSG:4547</LayerSRS>
    <GeometryField encoding="PointFromColumns" x="x" y="y"/>
    <Field name="value" type="Real"/>
  </OGRVRTLayer>
</OGRVRTDataSource>
""")
    meta = {"crs": "EPSG:4547", "n_samples": int(len(pts)),
            "extent": {"xmin": XMIN, "ymin": YMIN, "xmax": XMIN + WIDTH_M, "ymax": YMIN + HEIGHT_M},
            "grid": {"nx": NX, "ny": NY, "cell": WIDTH_M / NX},
            "kriging_grid": {"nx": KNX, "ny": KNY, "cell": WIDTH_M / KNX},
            "value": "lognormal, median ~0.18; ln(value) = 0.45*GRF(6 km) + 0.25*GRF(1.5 km) + 0.12*noise"}
    with open(os.path.join(d, "problem.json"), "w") as fh:
        json.dump(meta, fh, indent=2)
    return meta


def make_zonal(rng, out):
    d = os.path.join(out, "zonal")
    os.makedirs(d, exist_ok=True)
    # class raster: clustered classes from a smoothed field (plus a finer one)
    z = 0.85 * smooth_noise_grid(rng, NY, NX, 60.0) + 0.5 * smooth_noise_grid(rng, NY, NX, 12.0)
    q1, q2 = np.quantile(z, [0.80, 0.95])
    cls = np.where(z > q2, 3, np.where(z > q1, 2, 1)).astype(np.uint8)
    path = os.path.join(d, "classes.tif")
    if os.path.exists(path):
        os.remove(path)
    ds = gdal.GetDriverByName("GTiff").Create(path, NX, NY, 1, gdal.GDT_Byte, ["TILED=YES", "COMPRESS=NONE"])
    ds.SetGeoTransform((XMIN, WIDTH_M / NX, 0.0, YMIN + HEIGHT_M, 0.0, -HEIGHT_M / NY))
    ds.SetProjection(srs().ExportToWkt())
    ds.GetRasterBand(1).WriteArray(cls)
    ds = None
    # parcels: a jittered 160 x 125 quad mesh of 250 x 240 m blocks, each shrunk
    # by a random 3-30 m margin (roads, field edges), so edges fall anywhere in cells
    bx, by = 160, 125
    w, h = WIDTH_M / bx, HEIGHT_M / by
    gx = XMIN + np.arange(bx + 1)[:, None] * w + np.zeros((bx + 1, by + 1))
    gy = YMIN + np.arange(by + 1)[None, :] * h + np.zeros((bx + 1, by + 1))
    inner = np.zeros((bx + 1, by + 1), dtype=bool)
    inner[1:-1, 1:-1] = True
    gx = gx + np.where(inner, rng.uniform(-0.22, 0.22, gx.shape) * w, 0.0)
    gy = gy + np.where(inner, rng.uniform(-0.22, 0.22, gy.shape) * h, 0.0)
    gpkg = os.path.join(d, "parcels.gpkg")
    if os.path.exists(gpkg):
        os.remove(gpkg)
    gdal.SetConfigOption("OGR_CURRENT_DATE", "2026-01-01T00:00:00Z")
    vds = ogr.GetDriverByName("GPKG").CreateDataSource(gpkg)
    lyr = vds.CreateLayer("parcels", srs(), ogr.wkbPolygon, ["FID=fid", "GEOMETRY_NAME=geom"])
    lyr.CreateField(ogr.FieldDefn("parcel_id", ogr.OFTString))
    defn = lyr.GetLayerDefn()
    lyr.StartTransaction()
    n = 0
    margins = rng.uniform(3.0, 30.0, (bx, by))
    for j in range(by - 1, -1, -1):
        for i in range(bx):
            ring = ogr.Geometry(ogr.wkbLinearRing)
            for a, b in ((i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)):
                ring.AddPoint_2D(float(gx[a, b]), float(gy[a, b]))
            poly = ogr.Geometry(ogr.wkbPolygon)
            poly.AddGeometry(ring)
            poly = poly.Buffer(-float(margins[i, j]), 1)
            n += 1
            f = ogr.Feature(defn)
            f.SetField("parcel_id", "P%05d" % n)
            f.SetGeometry(poly)
            lyr.CreateFeature(f)
    lyr.CommitTransaction()
    vds = None
    meta = {"crs": "EPSG:4547", "n_parcels": n, "raster": {"nx": NX, "ny": NY, "cell": WIDTH_M / NX, "type": "UInt8"},
            "extent": {"xmin": XMIN, "ymin": YMIN, "xmax": XMIN + WIDTH_M, "ymax": YMIN + HEIGHT_M},
            "class_share": {str(c): float(np.mean(cls == c)) for c in (1, 2, 3)}}
    with open(os.path.join(d, "problem.json"), "w") as fh:
        json.dump(meta, fh, indent=2)
    return meta


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(here), "work"))
    ap.add_argument("--seed", type=int, default=20260101)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    m1 = make_interp(rng, a.out)
    m2 = make_zonal(rng, a.out)
    print("interp: %d samples, grid %dx%d" % (m1["n_samples"], NX, NY))
    print("zonal: %d parcels, raster %dx%d, class shares %s" % (m2["n_parcels"], NX, NY, m2["class_share"]))


if __name__ == "__main__":
    main()

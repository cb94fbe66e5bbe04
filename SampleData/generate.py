#!/usr/bin/python3
"""Generate SoilMap's SYNTHETIC sample project (Gaoping-like county, Shanxi).

Everything here is invented except the 16 township names and statistical
codes of Gaoping (高平市, division code 140581). The geometry, parcels,
villages, industrial sites, river and soil values are synthetic.

Run with Debian's Python, which has the GDAL bindings (python3-gdal) and
numpy (python3-numpy):

    /usr/bin/python3 SampleData/generate.py            # writes into SampleData/
    /usr/bin/python3 SampleData/generate.py --out DIR  # writes into DIR/ (+ DIR/small/)
    /usr/bin/python3 SampleData/generate.py --report   # also prints GB 15618 class counts
    /usr/bin/python3 SampleData/generate.py --province 4 --parcels-per-county 2000 --out DIR
                                                       # a 4-county province for scale tests

All writing and all coordinate transformation go through GDAL/OGR/OSR.
The output is deterministic for a given --seed: running twice gives
byte-identical files (the GeoPackage timestamp is pinned with
OGR_CURRENT_DATE, the DBF header date with DBF_DATE_LAST_UPDATE).
"""

import argparse
import csv
import math
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

SEED = 140581
WORK_EPSG = 4547            # CGCS2000 / 3-degree Gauss-Kruger CM 114E (FE 500000, no zone prefix)
COUNTY_CENTRE_LONLAT = (112.90, 35.80)
COUNTY_AREA_KM2 = 946.0
N_PARCELS = 20000
PINNED_DATE = "2026-01-01"

# Gaoping township-level units (code9, code12, name, kind) — real names and
# codes, copied from /work/shared/data/gaoping/gaoping_townships_140581.csv
# (source: Transidc/CNAD-SELECT data/140581.json, NBS division codes).
# Pinyin is ours.
TOWNSHIPS = [
    ("140581001", "140581001000", "北城街道", "街道", "Beicheng Jiedao"),
    ("140581002", "140581002000", "东城街道", "街道", "Dongcheng Jiedao"),
    ("140581003", "140581003000", "南城街道", "街道", "Nancheng Jiedao"),
    ("140581101", "140581101000", "米山镇", "镇", "Mishan Zhen"),
    ("140581102", "140581102000", "三甲镇", "镇", "Sanjia Zhen"),
    ("140581103", "140581103000", "神农镇", "镇", "Shennong Zhen"),
    ("140581104", "140581104000", "陈区镇", "镇", "Chenqu Zhen"),
    ("140581105", "140581105000", "北诗镇", "镇", "Beishi Zhen"),
    ("140581106", "140581106000", "河西镇", "镇", "Hexi Zhen"),
    ("140581107", "140581107000", "马村镇", "镇", "Macun Zhen"),
    ("140581108", "140581108000", "野川镇", "镇", "Yechuan Zhen"),
    ("140581109", "140581109000", "寺庄镇", "镇", "Sizhuang Zhen"),
    ("140581201", "140581201000", "建宁乡", "乡", "Jianning Xiang"),
    ("140581202", "140581202000", "石末乡", "乡", "Shimo Xiang"),
    ("140581203", "140581203000", "原村乡", "乡", "Yuancun Xiang"),
    ("140581204", "140581204000", "永录乡", "乡", "Yonglu Xiang"),
]

LAND_USES = ["旱地", "水浇地", "水田", "果园"]   # dry land, irrigated land, paddy, orchard

METALS = ["Cd", "Hg", "As", "Pb", "Cr", "Cu", "Ni", "Zn"]
# Background medians (mg/kg) for Shanxi loess soils, and reporting decimals.
BACKGROUND = {"Cd": 0.15, "Hg": 0.05, "As": 10.0, "Pb": 20.0,
              "Cr": 60.0, "Cu": 22.0, "Ni": 30.0, "Zn": 65.0}
DECIMALS = {"Cd": 3, "Hg": 3, "As": 1, "Pb": 1, "Cr": 1, "Cu": 1, "Ni": 1, "Zn": 1}
FLOOR = {"Cd": 0.02, "Hg": 0.005, "As": 1.0, "Pb": 3.0, "Cr": 10.0, "Cu": 3.0, "Ni": 5.0, "Zn": 10.0}
# Geochemical grouping of the regional field: metals in a group share part of
# their regional variation (correlation), as in real survey data.
GROUP = {"Cd": "a", "Hg": "a", "As": "a", "Pb": "a", "Zn": "a", "Cr": "b", "Cu": "b", "Ni": "b"}

# Point sources: added concentration (mg/kg) at the source; decays with
# distance, elongated downwind (prevailing NW wind -> plumes run to the SE).
SOURCES = [
    {"id": "smelter", "name": "有色金属冶炼厂 (synthetic Pb/Zn smelter)",
     "add": {"Cd": 5.2, "Pb": 700.0, "Zn": 650.0, "As": 45.0, "Hg": 0.6, "Cu": 70.0}},
    {"id": "coking", "name": "焦化厂 (synthetic coking plant)",
     "add": {"Hg": 1.4, "As": 26.0, "Cd": 1.0, "Pb": 110.0, "Zn": 90.0}},
    {"id": "ferroalloy", "name": "铁合金厂 (synthetic ferro-alloy plant)",
     "add": {"Cr": 420.0, "Ni": 60.0, "Cu": 25.0}},
]
RIVER_ADD = {"Cd": 0.6, "Cr": 110.0, "Hg": 0.45}   # sediment-irrigated corridor, at the bank

# GB 15618-2018 Table 1 (screening) and Table 3 (intervention), copied from
# /work/shared/standards/gb15618-2018.csv. Bands: (<=5.5], (5.5,6.5], (6.5,7.5], (>7.5).
GB15618 = {
    ("Cd", "paddy"): ([0.3, 0.4, 0.6, 0.8], [1.5, 2.0, 3.0, 4.0]),
    ("Cd", "other"): ([0.3, 0.3, 0.3, 0.6], [1.5, 2.0, 3.0, 4.0]),
    ("Hg", "paddy"): ([0.5, 0.5, 0.6, 1.0], [2.0, 2.5, 4.0, 6.0]),
    ("Hg", "other"): ([1.3, 1.8, 2.4, 3.4], [2.0, 2.5, 4.0, 6.0]),
    ("As", "paddy"): ([30, 30, 25, 20], [200, 150, 120, 100]),
    ("As", "other"): ([40, 40, 30, 25], [200, 150, 120, 100]),
    ("Pb", "paddy"): ([80, 100, 140, 240], [400, 500, 700, 1000]),
    ("Pb", "other"): ([70, 90, 120, 170], [400, 500, 700, 1000]),
    ("Cr", "paddy"): ([250, 250, 300, 350], [800, 850, 1000, 1300]),
    ("Cr", "other"): ([150, 150, 200, 250], [800, 850, 1000, 1300]),
    ("Cu", "orchard"): ([150, 150, 200, 200], None),
    ("Cu", "other"): ([50, 50, 100, 100], None),
    ("Ni", "any"): ([60, 70, 100, 190], None),
    ("Zn", "any"): ([200, 200, 250, 300], None),
}


# --------------------------------------------------------------------------
# small helpers


def srs_work():
    s = osr.SpatialReference()
    s.ImportFromEPSG(WORK_EPSG)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)   # x = easting, y = northing
    return s


def srs_wgs84():
    s = osr.SpatialReference()
    s.ImportFromEPSG(4326)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)   # x = lon, y = lat
    return s


def ring_geom(xy):
    r = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in xy:
        r.AddPoint_2D(float(x), float(y))
    if tuple(xy[0]) != tuple(xy[-1]):
        r.AddPoint_2D(float(xy[0][0]), float(xy[0][1]))
    return r


def poly_geom(rings):
    p = ogr.Geometry(ogr.wkbPolygon)
    for xy in rings:
        p.AddGeometry(ring_geom(xy))
    return p


def ring_coords(ring):
    return np.array(ring.GetPoints())[:, :2]


def points_in_ring(px, py, ring):
    """Even-odd point-in-polygon test for arrays of points (ring: Nx2, closed)."""
    inside = np.zeros(px.shape, dtype=bool)
    x1, y1 = ring[:-1, 0], ring[:-1, 1]
    x2, y2 = ring[1:, 0], ring[1:, 1]
    for a, b, c, d in zip(x1, y1, x2, y2):
        if b == d:
            continue
        cond = ((b > py) != (d > py)) & (px < (c - a) * (py - b) / (d - b) + a)
        inside ^= cond
    return inside


def dist_to_polyline(px, py, line):
    """Distance from points to a polyline (Mx2)."""
    best = np.full(px.shape, np.inf)
    for (ax, ay), (bx, by) in zip(line[:-1], line[1:]):
        vx, vy = bx - ax, by - ay
        t = np.clip(((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy), 0.0, 1.0)
        d = np.hypot(px - ax - t * vx, py - ay - t * vy)
        best = np.minimum(best, d)
    return best


class GaussianField:
    """Stationary Gaussian random field (zero mean, unit variance, Gaussian
    covariance with range parameter `length` metres), by the spectral method
    (sum of random cosines). It can be evaluated at any point, so parcels and
    samples see the same underlying surface."""

    def __init__(self, rng, length, origin, n=256):
        self.k = rng.normal(0.0, 1.0 / length, size=(n, 2))
        self.phi = rng.uniform(0.0, 2.0 * math.pi, size=n)
        self.scale = math.sqrt(2.0 / n)
        self.ox, self.oy = origin

    def __call__(self, x, y):
        x = np.asarray(x, dtype=float) - self.ox
        y = np.asarray(y, dtype=float) - self.oy
        out = np.empty(x.shape)
        flat_x, flat_y, flat_o = x.ravel(), y.ravel(), out.reshape(-1)
        for s in range(0, flat_x.size, 8192):
            arg = np.outer(flat_x[s:s + 8192], self.k[:, 0]) + np.outer(flat_y[s:s + 8192], self.k[:, 1]) + self.phi
            flat_o[s:s + 8192] = self.scale * np.cos(arg).sum(axis=1)
        return out


# --------------------------------------------------------------------------
# county outline and townships


def make_outline(rng, cx, cy, area_km2=COUNTY_AREA_KM2):
    n = 240
    theta = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    r = np.ones(n)
    for h in range(2, 9):
        r += rng.uniform(0.015, 0.07) / h ** 0.6 * np.cos(h * theta + rng.uniform(0, 2 * math.pi))
    x = 0.86 * r * np.cos(theta)
    y = 1.0 * r * np.sin(theta)
    ring = np.column_stack([x, y])
    area = poly_geom([ring]).GetArea()
    s = math.sqrt(area_km2 * 1e6 / area)
    ring = ring * s + [cx, cy]
    return np.vstack([ring, ring[:1]])


def voronoi_cell(i, sites, box):
    """Voronoi cell of site i, clipped to box, by successive half-plane clipping."""
    poly = box
    pi = sites[i]
    for j, pj in enumerate(sites):
        if j == i:
            continue
        n = pj - pi
        m = 0.5 * (pi + pj)
        out = []
        k = len(poly)
        for a in range(k):
            P, Q = poly[a], poly[(a + 1) % k]
            dp, dq = np.dot(P - m, n), np.dot(Q - m, n)
            if dp <= 0:
                out.append(P)
            if (dp < 0 < dq) or (dq < 0 < dp):
                t = dp / (dp - dq)
                out.append(P + t * (Q - P))
        poly = np.array(out)
    return poly


def snap_vertices(polys, tol=1e-3):
    """Give every vertex that lies within `tol` of an earlier one the same coordinates."""
    canon = []
    out = []
    for rings in polys:
        new_rings = []
        for ring in rings:
            nr = []
            for x, y in ring:
                for cxy in canon:
                    if abs(cxy[0] - x) <= tol and abs(cxy[1] - y) <= tol:
                        x, y = cxy
                        break
                else:
                    canon.append((x, y))
                nr.append((x, y))
            # drop repeated consecutive vertices
            clean = [nr[0]]
            for p in nr[1:]:
                if p != clean[-1]:
                    clean.append(p)
            new_rings.append(np.array(clean))
        out.append(new_rings)
    return out


def densify(ring, step):
    pts = [ring[0]]
    for a, b in zip(ring[:-1], ring[1:]):
        n = max(1, int(math.ceil(math.hypot(b[0] - a[0], b[1] - a[1]) / step)))
        for k in range(1, n + 1):
            pts.append(a + (b - a) * (k / n))
    return np.array(pts)


class Warp:
    """Smooth displacement of the plane (small gradient, so it is one-to-one):
    turns straight Voronoi edges into plausible winding boundaries."""

    def __init__(self, rng, origin):
        self.terms = []
        for amp, wl in ((260.0, 9000.0), (180.0, 6500.0), (70.0, 2600.0), (25.0, 1100.0)):
            for _ in range(2):
                ang = rng.uniform(0, 2 * math.pi)
                k = 2 * math.pi / wl * np.array([math.cos(ang), math.sin(ang)])
                self.terms.append((amp, k, rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)))
        self.ox, self.oy = origin

    def __call__(self, xy):
        x, y = xy[:, 0] - self.ox, xy[:, 1] - self.oy
        dx = np.zeros_like(x)
        dy = np.zeros_like(y)
        for amp, k, p1, p2 in self.terms:
            arg = k[0] * x + k[1] * y
            dx += amp * 0.5 * np.sin(arg + p1)
            dy += amp * 0.5 * np.sin(arg + p2)
        return np.column_stack([xy[:, 0] + dx, xy[:, 1] + dy])


def make_townships(rng, cx, cy, outline, area_km2=COUNTY_AREA_KM2):
    R = math.sqrt(area_km2 * 1e6 / math.pi)
    f = math.sqrt(area_km2 / COUNTY_AREA_KM2)   # linear scale of the county layout (1 for the sample county)
    # three subdistricts (街道) around the town centre
    sub = np.array([[cx + 2300 * f * math.cos(math.radians(a)), cy + 2300 * f * math.sin(math.radians(a))]
                    for a in (95.0, -15.0, 215.0)])
    # Lloyd relaxation of the 13 towns on a cloud of points inside the county
    xs = rng.uniform(outline[:, 0].min(), outline[:, 0].max(), 60000)
    ys = rng.uniform(outline[:, 1].min(), outline[:, 1].max(), 60000)
    keep = points_in_ring(xs, ys, outline)
    cloud = np.column_stack([xs[keep], ys[keep]])
    ang = np.sort(rng.uniform(0, 2 * math.pi, 13))
    rad = rng.uniform(0.45, 0.75, 13) * R
    towns = np.column_stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)])
    for _ in range(40):
        sites = np.vstack([sub, towns])
        d2 = ((cloud[:, None, :] - sites[None, :, :]) ** 2).sum(axis=2)
        lab = d2.argmin(axis=1)
        for t in range(13):
            m = lab == t + 3
            if m.any():
                towns[t] = cloud[m].mean(axis=0)
    # order towns by angle from north, clockwise, so codes run round the county
    a = np.mod(math.pi / 2 - np.arctan2(towns[:, 1] - cy, towns[:, 0] - cx), 2 * math.pi)
    towns = towns[np.argsort(a, kind="stable")]
    sites = np.vstack([sub, towns])

    pad = 4 * R
    box = np.array([[cx - pad, cy - pad], [cx + pad, cy - pad], [cx + pad, cy + pad], [cx - pad, cy + pad]])
    outline_g = poly_geom([outline])
    cells = []
    for i in range(len(sites)):
        c = voronoi_cell(i, sites, box)
        g = poly_geom([np.vstack([c, c[:1]])]).Intersection(outline_g)
        if g.GetGeometryType() != ogr.wkbPolygon:
            raise RuntimeError("township %d is not a single polygon; change the seed" % i)
        cells.append([ring_coords(g.GetGeometryRef(0))])
    cells = snap_vertices(cells)
    cells = [[densify(r, 120.0) for r in rings] for rings in cells]
    cells = snap_vertices(cells)
    warp = Warp(rng, (cx, cy))
    cells = [[warp(r) for r in rings] for rings in cells]
    # rescale about the centre so the county area is area_km2 again
    area = sum(poly_geom(r).GetArea() for r in cells)
    s = math.sqrt(area_km2 * 1e6 / area)
    cells = [[np.round((r - [cx, cy]) * s + [cx, cy], 2) for r in rings] for rings in cells]
    geoms = [poly_geom(r) for r in cells]
    for g in geoms:
        if not g.IsValid():
            raise RuntimeError("invalid township geometry; change the seed")
    return geoms, sites


# --------------------------------------------------------------------------
# parcels

VILLAGE_A = list("东西南北上下前后大小中王李张赵刘陈杨郭马牛秦韩申常崔焦靳宋许石吕段原贾侯苏")
VILLAGE_B = ["庄", "家庄", "村", "河", "沟", "岭", "坡", "头", "峪", "寨", "堡", "店", "营", "底", "窑", "掌", "社", "庙", "坪", "院"]


def village_names(rng, n, used):
    names = []
    while len(names) < n:
        v = VILLAGE_A[rng.integers(len(VILLAGE_A))] + VILLAGE_B[rng.integers(len(VILLAGE_B))]
        if not v.endswith("村"):
            v += "村"
        if v not in used:
            used.add(v)
            names.append(v)
    return names


def make_parcels(rng, townships, ctx, n_parcels=N_PARCELS, id_prefix="GP-"):
    """Farmland parcels in the townships: the n_parcels best-scoring field strips,
    numbered id_prefix + 6 digits. The county layout (town centre) scales with
    the county (ctx["scale"], 1 for the sample county); field blocks do not."""
    cx, cy = ctx["centre"]
    f = ctx.get("scale", 1.0)
    farm_field = GaussianField(rng, 1400.0, (cx, cy))
    orch_field = GaussianField(rng, 900.0, (cx, cy))
    irr_field = GaussianField(rng, 2500.0, (cx, cy))
    river = ctx["river"]
    cand = []   # (score, town index, geometry, land use, village)
    used_villages = set()
    for ti, tg in enumerate(townships):
        inner = tg.Buffer(-6.0, 2)
        inner_ring = ring_coords(inner.GetGeometryRef(0))
        minx, maxx, miny, maxy = tg.GetEnvelope()
        theta = math.radians(rng.uniform(-35.0, 35.0))
        ct, st = math.cos(theta), math.sin(theta)
        scale = rng.uniform(0.75, 1.25)
        W, H = rng.uniform(240, 360) * scale, rng.uniform(170, 250) * scale
        # villages: nearest-centre partition inside the township
        nv = int(rng.integers(12, 26))
        if f != 1.0:   # fewer villages in a scaled-down county (same village size)
            nv = max(4, int(round(nv * f * f)))
        vx = rng.uniform(minx, maxx, 400)
        vy = rng.uniform(miny, maxy, 400)
        ok = points_in_ring(vx, vy, inner_ring)
        vxy = np.column_stack([vx[ok], vy[ok]])[:nv]
        vnames = village_names(rng, len(vxy), used_villages)
        # block grid in the rotated frame (u along theta)
        corners = np.array([[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy]]) - [cx, cy]
        u = corners[:, 0] * ct + corners[:, 1] * st
        v = -corners[:, 0] * st + corners[:, 1] * ct
        i0, i1 = int(math.floor(u.min() / W)) - 1, int(math.ceil(u.max() / W)) + 1
        j0, j1 = int(math.floor(v.min() / H)) - 1, int(math.ceil(v.max() / H)) + 1
        ni, nj = i1 - i0 + 1, j1 - j0 + 1
        gu = (np.arange(i0, i1 + 1)[:, None] * W + rng.uniform(-0.12, 0.12, (ni, nj)) * W)
        gv = (np.arange(j0, j1 + 1)[None, :] * H + rng.uniform(-0.12, 0.12, (ni, nj)) * H)
        gx = cx + gu * ct - gv * st
        gy = cy + gu * st + gv * ct
        bx = 0.25 * (gx[:-1, :-1] + gx[1:, :-1] + gx[1:, 1:] + gx[:-1, 1:])
        by = 0.25 * (gy[:-1, :-1] + gy[1:, :-1] + gy[1:, 1:] + gy[:-1, 1:])
        near = np.zeros(bx.shape, dtype=bool)
        for k in range(4):
            ox, oy = [(0, 0), (1, 0), (1, 1), (0, 1)][k]
            near |= points_in_ring(gx[ox:ox + bx.shape[0], oy:oy + bx.shape[1]],
                                   gy[ox:ox + bx.shape[0], oy:oy + bx.shape[1]], inner_ring)
        near |= points_in_ring(bx, by, inner_ring)
        bi, bj = np.nonzero(near)
        if len(bi) == 0:
            continue
        pbx, pby = bx[bi, bj], by[bi, bj]
        d_river = dist_to_polyline(pbx, pby, river)
        d_centre = np.hypot(pbx - cx, pby - cy)
        d_site = np.min([np.hypot(pbx - s["x"], pby - s["y"]) for s in ctx["sources"]], axis=0)
        score = (farm_field(pbx, pby) + 0.35 * rng.standard_normal(len(bi))
                 - 2.5 * np.exp(-(d_centre / (2600.0 * f)) ** 2))
        excluded = (d_river < 70.0) | (d_site < 160.0)
        orch = orch_field(pbx, pby)
        irr = irr_field(pbx, pby)
        vil = ((pbx[:, None] - vxy[None, :, 0]) ** 2 + (pby[:, None] - vxy[None, :, 1]) ** 2).argmin(axis=1)
        for n in range(len(bi)):
            if excluded[n]:
                continue
            i, j = bi[n], bj[n]
            q = np.array([[gx[i, j], gy[i, j]], [gx[i + 1, j], gy[i + 1, j]],
                          [gx[i + 1, j + 1], gy[i + 1, j + 1]], [gx[i, j + 1], gy[i, j + 1]]])
            # land use of the block
            if d_river[n] < 700.0:
                r = rng.random()
                lu = "水田" if r < 0.28 else ("水浇地" if r < 0.78 else "旱地")
            elif orch[n] > 1.25:
                lu = "果园"
            elif irr[n] > 1.0:
                lu = "水浇地"
            else:
                lu = "旱地"
            k = int(rng.choice([1, 2, 3, 4], p=[0.25, 0.35, 0.25, 0.15]))
            cuts = np.sort(rng.uniform(0.15, 0.85, k - 1)) if k > 1 else np.array([])
            cuts = np.concatenate([[0.0], cuts, [1.0]])
            along_u = rng.random() < 0.5
            for a, b in zip(cuts[:-1], cuts[1:]):
                if along_u:   # split edges q0-q1 and q3-q2
                    p0 = q[0] + (q[1] - q[0]) * a
                    p1 = q[0] + (q[1] - q[0]) * b
                    p2 = q[3] + (q[2] - q[3]) * b
                    p3 = q[3] + (q[2] - q[3]) * a
                else:         # split edges q0-q3 and q1-q2
                    p0 = q[0] + (q[3] - q[0]) * a
                    p1 = q[1] + (q[2] - q[1]) * a
                    p2 = q[1] + (q[2] - q[1]) * b
                    p3 = q[0] + (q[3] - q[0]) * b
                g = poly_geom([np.array([p0, p1, p2, p3, p0])]).Buffer(-2.5, 1)
                if g.IsEmpty():
                    continue
                if not g.Within(inner):
                    g = g.Intersection(inner)
                    if g.IsEmpty():
                        continue
                    parts = [g.GetGeometryRef(m) for m in range(g.GetGeometryCount())] \
                        if g.GetGeometryType() in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection) else [g]
                    parts = [p for p in parts if p.GetGeometryType() == ogr.wkbPolygon and p.GetArea() > 1500.0]
                    if not parts:
                        continue
                    parts.sort(key=lambda p: -p.GetArea())
                    g = parts[0].Clone()
                lu_p = lu if rng.random() > 0.04 else LAND_USES[int(rng.choice(4, p=[0.6, 0.25, 0.05, 0.10]))]
                if lu_p == "水田" and d_river[n] > 1500.0:
                    lu_p = "水浇地"
                cand.append((score[n] + 0.05 * rng.standard_normal(), ti, g, lu_p, vnames[vil[n]]))
    # keep parcels of 0.5-8 ha, then the n_parcels with the highest farmland score
    cand = [c for c in cand if 5000.0 <= c[2].GetArea() <= 80000.0]
    if len(cand) < n_parcels:
        raise RuntimeError("only %d candidate parcels for %d; change the seed" % (len(cand), n_parcels))
    order = sorted(range(len(cand)), key=lambda n: -cand[n][0])[:n_parcels]
    chosen = [cand[n] for n in sorted(order)]
    parcels = []
    for score, ti, g, lu, vil in chosen:
        ptype = "simple"
        area = g.GetArea()
        r = rng.random()
        if r < 0.025 and area > 15000.0:      # a hole: pond, grave plot, farm yard
            c = g.PointOnSurface()
            side = rng.uniform(15.0, 40.0)
            ang = rng.uniform(0, math.pi / 2)
            ca, sa = math.cos(ang), math.sin(ang)
            sq = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]]) * side / 2
            sq = sq @ np.array([[ca, sa], [-sa, ca]]) + [c.GetX(), c.GetY()]
            hole = poly_geom([sq])
            if hole.Within(g.Buffer(-8.0, 1)):
                g = g.Difference(hole)
                ptype = "hole"
        elif r < 0.032 and area > 12000.0:    # a path cuts the parcel in two: one multipolygon
            c = g.Centroid()
            ang = rng.uniform(0, math.pi)
            ca, sa = math.cos(ang), math.sin(ang)
            L = 2000.0
            strip = np.array([[-L, -3], [L, -3], [L, 3], [-L, 3], [-L, -3]]) @ np.array([[ca, sa], [-sa, ca]])
            cut = g.Difference(poly_geom([strip + [c.GetX(), c.GetY()]]))
            if cut.GetGeometryType() == ogr.wkbMultiPolygon and cut.GetGeometryCount() == 2 and \
                    min(cut.GetGeometryRef(0).GetArea(), cut.GetGeometryRef(1).GetArea()) > 2000.0:
                g = cut
                ptype = "multi"
        g = round_geometry(g)
        if not g.IsValid():
            continue
        parcels.append({"town": ti, "geom": g, "land_use": lu, "owner": vil, "kind": ptype})
    # parcel ids by township code, then north to south, west to east
    def key(p):
        c = p["geom"].Centroid()
        return (p["town"], -round(c.GetY() / 200.0), c.GetX())
    parcels.sort(key=key)
    for n, p in enumerate(parcels):
        p["id"] = "%s%06d" % (id_prefix, n + 1)
    return parcels


def round_geometry(g, nd=2):
    """Round coordinates to centimetres (what a cadastral export carries)."""
    wkt = ogr.CreateGeometryFromWkb(g.ExportToWkb())
    def rr(geom):
        if geom.GetGeometryCount() == 0:
            pts = geom.GetPoints()
            for k, p in enumerate(pts):
                geom.SetPoint_2D(k, round(p[0], nd), round(p[1], nd))
        else:
            for k in range(geom.GetGeometryCount()):
                rr(geom.GetGeometryRef(k))
    rr(wkt)
    return wkt


# --------------------------------------------------------------------------
# soil fields


class SoilModel:
    def __init__(self, rng, ctx):
        cx, cy = ctx["centre"]
        o = (cx, cy)
        self.ctx = ctx
        self.reg = {g: GaussianField(rng, 7000.0, o) for g in ("a", "b")}
        self.reg_own = {m: GaussianField(rng, 5000.0, o) for m in METALS}
        self.loc = {m: GaussianField(rng, 1500.0, o) for m in METALS}
        self.ph_reg = GaussianField(rng, 6000.0, o)
        self.ph_loc = GaussianField(rng, 1200.0, o)

    def plume(self, x, y, s):
        dx, dy = x - s["x"], y - s["y"]
        wa = math.radians(s["wind_to_deg"])
        u = dx * math.cos(wa) + dy * math.sin(wa)
        v = -dx * math.sin(wa) + dy * math.cos(wa)
        r = np.hypot(dx, dy)
        near = np.exp(-r / s["r0"])
        uu = np.maximum(u, 0.0)
        tail = np.where(u > 0, np.exp(-uu / s["lu"]) * np.exp(-0.5 * (v / (120.0 + 0.18 * uu)) ** 2), 0.0)
        return near + 0.6 * tail

    def river_factor(self, x, y):
        d = dist_to_polyline(x, y, self.ctx["river"])
        downstream = 1.0 / (1.0 + np.exp(-(self.ctx["river_cut_y"] - y) / 800.0))
        return np.exp(-d / 600.0) * downstream

    def evaluate(self, x, y, rng):
        """Concentrations (mg/kg) and pH at points; `rng` draws the
        point-scale (nugget + lab) noise."""
        n = len(x)
        out = {}
        plumes = [self.plume(x, y, s) for s in self.ctx["sources"]]
        riv = self.river_factor(x, y)
        for m in METALS:
            z = (0.22 * (0.7 * self.reg[GROUP[m]](x, y) + 0.714 * self.reg_own[m](x, y))
                 + 0.14 * self.loc[m](x, y) + 0.13 * rng.standard_normal(n))
            c = BACKGROUND[m] * np.exp(z)
            for s, p in zip(self.ctx["sources"], plumes):
                if m in s["add"]:
                    c = c + s["add"][m] * p * np.exp(0.25 * rng.standard_normal(n))
            if m in RIVER_ADD:
                c = c + RIVER_ADD[m] * riv * np.exp(0.3 * rng.standard_normal(n))
            out[m] = np.maximum(np.round(c, DECIMALS[m]), FLOOR[m])
        a = self.ctx["acid"]
        acid = np.exp(-((x - a["x"]) ** 2 + (y - a["y"]) ** 2) / (2 * a["sigma"] ** 2))
        ph = 8.0 + 0.22 * self.ph_reg(x, y) + 0.10 * self.ph_loc(x, y) + 0.07 * rng.standard_normal(n) - 1.8 * acid
        out["pH"] = np.round(np.clip(ph, 5.2, 8.9), 2)
        return out


def classify(vals, land_use):
    """GB 15618-2018 class per point: 1 = <= screening, 2 = <= intervention,
    3 = above intervention, worst over Cd, Hg, As, Pb, Cr. Also a flag for
    Cu/Ni/Zn above screening (reported separately)."""
    ph = vals["pH"]
    band = np.where(ph <= 5.5, 0, np.where(ph <= 6.5, 1, np.where(ph <= 7.5, 2, 3)))
    paddy = np.array([lu == "水田" for lu in land_use])
    orchard = np.array([lu == "果园" for lu in land_use])
    cls = np.ones(len(ph), dtype=int)
    for m in ("Cd", "Hg", "As", "Pb", "Cr"):
        sp, ip = (np.array(a) for a in GB15618[(m, "paddy")])
        so, io = (np.array(a) for a in GB15618[(m, "other")])
        scr = np.where(paddy, sp[band], so[band])
        itv = np.where(paddy, ip[band], io[band])
        c = vals[m]
        cls = np.maximum(cls, np.where(c > itv, 3, np.where(c > scr, 2, 1)))
    other = np.zeros(len(ph), dtype=bool)
    so = np.array(GB15618[("Cu", "other")][0])
    sorch = np.array(GB15618[("Cu", "orchard")][0])
    other |= vals["Cu"] > np.where(orchard, sorch[band], so[band])
    other |= vals["Ni"] > np.array(GB15618[("Ni", "any")][0])[band]
    other |= vals["Zn"] > np.array(GB15618[("Zn", "any")][0])[band]
    return cls, other


# --------------------------------------------------------------------------
# samples


def survey_design(rng, county, ctx, parcels, spacing, extra_per_source, extra_river, window=None):
    """Jittered grid over the county (moved onto the nearest farmland parcel
    within 300 m, as field teams do), plus denser sampling around each
    source and along the polluted river stretch."""
    cring = ring_coords(county.GetGeometryRef(0)) if window is None else None
    minx, maxx, miny, maxy = county.GetEnvelope() if window is None else window
    gx = np.arange(minx + spacing / 2, maxx, spacing)
    gy = np.arange(maxy - spacing / 2, miny, -spacing)
    X, Y = np.meshgrid(gx, gy)
    X = X + rng.uniform(-0.33, 0.33, X.shape) * spacing
    Y = Y + rng.uniform(-0.33, 0.33, Y.shape) * spacing
    px, py = X.ravel(), Y.ravel()
    if window is None:
        keep = points_in_ring(px, py, cring)
    else:
        keep = (px > minx) & (px < maxx) & (py > miny) & (py < maxy)
    pts = list(zip(px[keep], py[keep]))
    for s in ctx["sources"]:
        for _ in range(extra_per_source):
            r = 120.0 + rng.uniform(0, 1) ** 1.3 * 2300.0
            a = rng.uniform(0, 2 * math.pi)
            if rng.random() < 0.4:   # bias towards the downwind side
                a = math.radians(s["wind_to_deg"]) + rng.normal(0, 0.5)
            pts.append((s["x"] + r * math.cos(a), s["y"] + r * math.sin(a)))
    river = ctx["river"]
    seg = np.hypot(*(river[1:] - river[:-1]).T)
    cum = np.concatenate([[0], np.cumsum(seg)])
    for _ in range(extra_river):
        t = rng.uniform(0, cum[-1])
        k = min(int(np.searchsorted(cum, t)) - 1, len(seg) - 1)
        k = max(k, 0)
        p = river[k] + (river[k + 1] - river[k]) * ((t - cum[k]) / seg[k])
        pts.append((p[0] + rng.normal(0, 250.0), p[1] + rng.normal(0, 100.0)))
    pts = np.array(pts)
    if window is None:
        pts = pts[points_in_ring(pts[:, 0], pts[:, 1], cring)]
    else:
        pts = pts[(pts[:, 0] > minx) & (pts[:, 0] < maxx) & (pts[:, 1] > miny) & (pts[:, 1] < maxy)]
    # move onto farmland
    pc = np.array([[p["pos"][0], p["pos"][1]] for p in parcels])
    used = set()
    land = []
    out = []
    for x, y in pts:
        d = np.hypot(pc[:, 0] - x, pc[:, 1] - y)
        k = int(d.argmin())
        if d[k] < 300.0 and k not in used:
            used.add(k)
            x, y = pc[k]
            land.append(parcels[k]["land_use"])
        else:
            land.append(None)
        out.append((x, y))
    out = np.array(out)
    # no two samples closer than 30 m (duplicates break kriging)
    keep = []
    for n, (x, y) in enumerate(out):
        if all(math.hypot(x - out[m, 0], y - out[m, 1]) >= 30.0 for m in keep[-400:]):
            keep.append(n)
    return out[keep], [land[n] for n in keep]


def land_use_at(points, gpkg_path):
    """Land use of the parcel containing each point ('other' land if none)."""
    ds = ogr.Open(gpkg_path)
    lyr = ds.GetLayerByName("parcels")
    res = []
    for x, y in points:
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(float(x), float(y))
        lyr.SetSpatialFilter(pt)
        lu = None
        for f in lyr:
            if f.GetGeometryRef().Contains(pt):
                lu = f.GetField("land_use")
                break
        res.append(lu)
    lyr.SetSpatialFilter(None)
    return res


# --------------------------------------------------------------------------
# writers


def remove_dataset(path):
    base, ext = os.path.splitext(path)
    exts = [".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix"] if ext == ".shp" else [ext]
    for e in exts:
        if os.path.exists(base + e):
            os.remove(base + e)


TOWNSHIP_FIELDS = [("code", ogr.OFTString, 9), ("code12", ogr.OFTString, 12), ("name", ogr.OFTString, 24),
                   ("kind", ogr.OFTString, 6), ("name_en", ogr.OFTString, 24), ("area_km2", ogr.OFTReal, 0)]
PARCEL_FIELDS = [("parcel_id", ogr.OFTString, 12), ("town_code", ogr.OFTString, 9), ("town_name", ogr.OFTString, 24),
                 ("land_use", ogr.OFTString, 12), ("owner", ogr.OFTString, 24), ("area_ha", ogr.OFTReal, 0)]
# 第三次全国国土调查 (三调) 地类图斑 fields, as survey data delivers them: 地类编码/名称 (GB/T 21010-2017),
# 坐落单位代码/名称 (the village), 图斑地类面积 (m², the geometry area less 扣除地类 such as 田坎), and
# two fields of the bureau's own: 安全利用措施 (the measure taken) and 农产品是否达标 (crops met the standard).
SANDIAO_FIELDS = [("DLBM", ogr.OFTString, 5), ("DLMC", ogr.OFTString, 12), ("ZLDWDM", ogr.OFTString, 19),
                  ("ZLDWMC", ogr.OFTString, 24), ("TBMJ", ogr.OFTReal, 0), ("TBDLMJ", ogr.OFTReal, 0),
                  ("AQLYCS", ogr.OFTString, 12), ("NCPDB", ogr.OFTString, 2)]
DLBM = {"水田": "0101", "水浇地": "0102", "旱地": "0103", "果园": "0201"}
# Non-farmland classes some 图斑 carry in DLBM (their land_use keeps the farmland value), so a
# project on DLBM shows how SoilMap leaves other land out.
OTHER_LAND = [("0301", "乔木林地"), ("0404", "其他草地"), ("1104", "坑塘水面")]
CROPS = {"水田": ["稻谷", "水稻"], "水浇地": ["小麦", "玉米"], "旱地": ["玉米", "小麦"], "果园": ["水果"]}
# log10 bioconcentration factors (crop / soil) at pH 5 and their fall per pH unit, by crop and
# contaminant: rice takes up Cd strongly in acid soil; Pb, Hg, Cr and As little (orders of
# magnitude from the soil-to-crop literature, e.g. rice Cd BCF about 0.1-1).
BCF = {"稻谷": {"Cd": (-0.05, 0.22), "Pb": (-2.5, 0.05), "Hg": (-1.0, 0.05), "As": (-1.9, 0.02), "Cr": (-2.2, 0.05)},
       "小麦": {"Cd": (-0.55, 0.15), "Pb": (-2.4, 0.05), "Hg": (-1.1, 0.05), "As": (-2.0, 0.02), "Cr": (-2.1, 0.05)},
       "玉米": {"Cd": (-1.1, 0.12), "Pb": (-2.6, 0.05), "Hg": (-1.3, 0.05), "As": (-2.2, 0.02), "Cr": (-2.3, 0.05)},
       "水果": {"Cd": (-1.3, 0.10), "Pb": (-3.0, 0.05), "Hg": (-1.8, 0.05), "As": (-2.6, 0.02), "Cr": (-2.8, 0.05)}}
CROP_METALS = ["Cd", "Pb", "Hg", "As", "Cr"]


def add_fields(lyr, fields):
    for name, typ, width in fields:
        fd = ogr.FieldDefn(name, typ)
        if typ == ogr.OFTString:
            fd.SetWidth(width)
        else:
            fd.SetWidth(12)
            fd.SetPrecision(4)
        lyr.CreateField(fd)


def township_rows(townships, names=TOWNSHIPS):
    rows = []
    for i, g in enumerate(townships):
        c9, c12, name, kind, en = names[i]
        rows.append(({"code": c9, "code12": c12, "name": name, "kind": kind, "name_en": en,
                      "area_km2": round(g.GetArea() / 1e6, 4)}, g))
    return rows


def parcel_rows(parcels, names=TOWNSHIPS):
    rows = []
    for p in parcels:
        c9, _, name, _, _ = names[p["town"]]
        attrs = {"parcel_id": p["id"], "town_code": c9, "town_name": name, "land_use": p["land_use"],
                 "owner": p["owner"], "area_ha": round(p["geom"].GetArea() / 1e4, 4)}
        attrs.update(p.get("sandiao", {}))
        rows.append((attrs, p["geom"]))
    return rows


def add_sandiao(rng, parcels, model, names=TOWNSHIPS):
    """三调 fields of every parcel (a separate random stream, so the older fields keep their
    values): village codes in township order, TBDLMJ = area less 0-6 % of 田坎, 1 % of 图斑
    other land in DLBM, and measures on the parcels whose soil (the model at the parcel) is
    polluted: 安全利用 measures on most class-2 land with crops mostly up to standard,
    严格管控 measures on most class-3 land."""
    villages = {}
    x = np.array([p["pos"][0] for p in parcels]); y = np.array([p["pos"][1] for p in parcels])
    vals = model.evaluate(x, y, rng)
    cls, _ = classify(vals, [p["land_use"] for p in parcels])
    for n, p in enumerate(parcels):
        c9 = names[p["town"]][0]
        key = (c9, p["owner"])
        if key not in villages:
            villages[key] = "%s%03d0000000" % (c9, 200 + sum(1 for k in villages if k[0] == c9) + 1)
        code, name = DLBM[p["land_use"]], p["land_use"]
        if rng.random() < 0.01:
            code, name = OTHER_LAND[int(rng.integers(len(OTHER_LAND)))]
        measure, met = "", ""
        if cls[n] == 2 and rng.random() < 0.85:
            measure = ["农艺调控", "替代种植", "低积累品种"][int(rng.integers(3))]
            met = "是" if rng.random() < 0.9 else "否"
        elif cls[n] == 3 and rng.random() < 0.9:
            measure = ["种植结构调整", "退耕还林还草"][int(rng.integers(2))]
        tbmj = round(p["geom"].GetArea(), 2)
        p["sandiao"] = {"DLBM": code, "DLMC": name, "ZLDWDM": villages[key], "ZLDWMC": p["owner"], "TBMJ": tbmj,
                        "TBDLMJ": round(tbmj * (1 - round(rng.uniform(0.0, 0.06), 2)), 2),
                        "AQLYCS": measure, "NCPDB": met}


def crop_samples(rng, ids, pts, vals, land_uses, prefix="C"):
    """Crop samples co-monitored with the soil samples (a separate random stream): at 30 % of the
    soil points three samples of the parcel's crop, at another 30 % one; each contaminant from
    the soil value by a pH-dependent bioconcentration factor with log-normal noise. The paddy
    crop is written 稻谷 or 水稻 (a name the project's crops.crop_map maps)."""
    rows = []
    n = 0
    for i, sid in enumerate(ids):
        lu = land_uses[i] or "旱地"
        r = rng.random()
        count = 3 if r < 0.3 else (1 if r < 0.6 else 0)
        for _ in range(count):
            written = CROPS[lu][int(rng.integers(len(CROPS[lu])))]
            crop = "稻谷" if written == "水稻" else written
            n += 1
            row = {"sample_id": "%s%04d" % (prefix, n), "crop": written, "soil_sample": sid,
                   "x": float(pts[i, 0]) + rng.uniform(-3, 3), "y": float(pts[i, 1]) + rng.uniform(-3, 3)}
            for m in CROP_METALS:
                a, b = BCF[crop][m]
                row[m] = vals[m][i] * 10 ** (a - b * (vals["pH"][i] - 5.0) + rng.normal(0, 0.25))
            rows.append(row)
    return rows


CROP_HEADER = ["sample_id", "lon", "lat", "crop", "soil_sample"] + CROP_METALS


def write_crops(path, rows):
    tr = osr.CoordinateTransformation(srs_work(), srs_wgs84())
    ll = tr.TransformPoints([(r["x"], r["y"]) for r in rows])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CROP_HEADER)
        for n, r in enumerate(rows):
            w.writerow([r["sample_id"], "%.6f" % ll[n][0], "%.6f" % ll[n][1], r["crop"], r["soil_sample"]]
                       + ["%.4f" % r[m] for m in CROP_METALS])


def create_layer(ds, name, gtype, fields, options):
    lyr = ds.CreateLayer(name, srs_work(), gtype, options)
    add_fields(lyr, fields)
    return lyr


def write_layer(ds, name, gtype, fields, rows, options, multi=False):
    append_rows(create_layer(ds, name, gtype, fields, options), rows, multi)


def append_rows(lyr, rows, multi=False):
    defn = lyr.GetLayerDefn()
    lyr.StartTransaction()
    for attrs, g in rows:
        f = ogr.Feature(defn)
        for k, v in attrs.items():
            f.SetField(k, v)
        f.SetGeometry(ogr.ForceToMultiPolygon(g) if multi else g)
        lyr.CreateFeature(f)
    lyr.CommitTransaction()


ENTERPRISE_FIELDS = [("enterprise_id", ogr.OFTString, 12), ("name", ogr.OFTString, 48)]


def write_gpkg(path, township_rows_, parcel_rows_, sources_=None):
    remove_dataset(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    fields = PARCEL_FIELDS + (SANDIAO_FIELDS if parcel_rows_ and "DLBM" in parcel_rows_[0][0] else [])
    write_layer(ds, "parcels", ogr.wkbMultiPolygon, fields, parcel_rows_,
                ["FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES",
                 "DESCRIPTION=SYNTHETIC farmland parcels (SoilMap sample data)"], multi=True)
    write_layer(ds, "townships", ogr.wkbPolygon, TOWNSHIP_FIELDS, township_rows_,
                ["FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES",
                 "DESCRIPTION=SYNTHETIC township boundaries; names and codes are real (Gaoping 140581)"])
    if sources_:
        rows = []
        for s in sources_:
            g = ogr.Geometry(ogr.wkbPoint)
            g.AddPoint_2D(s["x"], s["y"])
            rows.append(({"enterprise_id": s["id"], "name": s["name"]}, g))
        write_layer(ds, "enterprises", ogr.wkbPoint, ENTERPRISE_FIELDS, rows,
                    ["FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=NO",
                     "DESCRIPTION=SYNTHETIC key supervised enterprises (the pollution sources of the sample data)"])
    ds.ExecuteSQL("VACUUM")
    ds = None


def write_shp(path, name, gtype, fields, rows):
    remove_dataset(path)
    ds = ogr.GetDriverByName("ESRI Shapefile").CreateDataSource(path)
    write_layer(ds, name, gtype, fields, rows,
                ["ENCODING=GBK", "DBF_DATE_LAST_UPDATE=%s" % PINNED_DATE, "SPATIAL_INDEX=NO"])
    ds = None


SAMPLE_HEADER = ["sample_id", "lon", "lat"] + METALS + ["pH"]


def sample_rows(ids, xy, vals):
    """CSV rows of samples: id, WGS 84 lon/lat (6 decimals), metals, pH."""
    tr = osr.CoordinateTransformation(srs_work(), srs_wgs84())
    ll = tr.TransformPoints([(float(x), float(y)) for x, y in xy])
    for n, sid in enumerate(ids):
        row = [sid, "%.6f" % ll[n][0], "%.6f" % ll[n][1]]
        row += ["%.*f" % (DECIMALS[m], vals[m][n]) for m in METALS]
        row.append("%.2f" % vals["pH"][n])
        yield row


def write_samples(path, ids, xy, vals):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(SAMPLE_HEADER)
        w.writerows(sample_rows(ids, xy, vals))


# --------------------------------------------------------------------------
# one county


def find_window_centre(townships, county, cx, cy, f):
    """A point where three towns meet, south of the centre and well inside the
    county (the small project's window, the smelter and the river run
    through it). A scaled-down county (f < 1) relaxes the distances if no
    such point exists."""
    boundary = county.Boundary()
    for dist in (4000.0 * f, 2000.0 * f, 0.0):
        best = None
        for i in range(3, 16):
            for j in range(i + 1, 16):
                for k in range(j + 1, 16):
                    gi, gj, gk = townships[i], townships[j], townships[k]
                    if not (gi.Touches(gj) and gj.Touches(gk) and gi.Touches(gk)):
                        continue
                    p = gi.Intersection(gj).Intersection(gk)
                    if p.IsEmpty():
                        continue
                    p = p.Centroid()
                    d_out = boundary.Distance(p)
                    if d_out > dist and p.GetY() < cy - dist:
                        cand = (abs(p.GetX() - cx), p.GetX(), p.GetY())
                        best = min(best, cand) if best else cand
        if best is not None or f == 1.0:
            break
    if best is None:
        raise RuntimeError("no point where three towns meet; change the seed")
    return best[1], best[2]


def make_county(rng, cx, cy, area_km2=COUNTY_AREA_KM2, n_parcels=N_PARCELS, id_prefix="GP-"):
    """Outline, townships, river, pollution sources, acid zone, parcels and
    soil model of one synthetic county centred at (cx, cy) in EPSG:4547.
    The sample county is the default; the province mode passes a smaller
    area (area ∝ parcels, same parcel density) and its own id prefix."""
    f = math.sqrt(area_km2 / COUNTY_AREA_KM2)   # linear scale of the county layout
    outline = make_outline(rng, cx, cy, area_km2)
    townships, sites = make_townships(rng, cx, cy, outline, area_km2)
    county = townships[0].Clone()
    for g in townships[1:]:
        county = county.Union(g)
    R = math.sqrt(area_km2 * 1e6 / math.pi)

    # the small-project window: 5 x 5 km around a point where three towns meet,
    # south of the centre; the smelter and the polluted river run through it
    wx, wy = find_window_centre(townships, county, cx, cy, f)
    window = (round(wx - 2500.0, 2), round(wx + 2500.0, 2), round(wy - 2500.0, 2), round(wy + 2500.0, 2))

    # river (丹河-like, synthetic): north to south, passing 1.2 km west of the window centre
    ys = np.arange(cy + 1.3 * R, cy - 1.3 * R, -100.0)
    ph1, ph2 = rng.uniform(0, 2 * math.pi, 2)
    xs = 1400.0 * np.sin(2 * math.pi * ys / 11000.0 + ph1) + 600.0 * np.sin(2 * math.pi * ys / 3900.0 + ph2)
    xs = xs - np.interp(wy, ys[::-1], xs[::-1]) + wx - 1200.0
    river = np.column_stack([xs, ys])
    riv_at = lambda y: float(np.interp(y, ys[::-1], xs[::-1]))
    sources = [
        dict(SOURCES[0], x=round(riv_at(wy + 900.0) + 500.0, 1), y=round(wy + 900.0, 1), wind_to_deg=-40.0, r0=420.0, lu=2200.0),
        dict(SOURCES[1], x=round(cx + 0.55 * R * math.cos(math.radians(55)), 1),
             y=round(cy + 0.55 * R * math.sin(math.radians(55)), 1), wind_to_deg=-45.0, r0=380.0, lu=1800.0),
        dict(SOURCES[2], x=round(cx + 0.5 * R * math.cos(math.radians(195)), 1),
             y=round(cy + 0.5 * R * math.sin(math.radians(195)), 1), wind_to_deg=-50.0, r0=350.0, lu=1200.0),
    ]
    acid = {"x": round(cx + 0.6 * R * math.cos(math.radians(125)), 1),
            "y": round(cy + 0.6 * R * math.sin(math.radians(125)), 1), "sigma": 3200.0 * f}
    ctx = {"centre": (cx, cy), "river": river, "river_cut_y": sources[0]["y"] + 300.0,
           "sources": sources, "acid": acid}
    if f != 1.0:
        ctx["scale"] = f

    parcels = make_parcels(rng, townships, ctx, n_parcels, id_prefix)
    for p in parcels:
        s = p["geom"].PointOnSurface()
        p["pos"] = (s.GetX(), s.GetY())

    model = SoilModel(rng, ctx)
    return {"outline": outline, "townships": townships, "county": county, "R": R, "window": window,
            "sources": sources, "acid": acid, "ctx": ctx, "parcels": parcels, "model": model}


# --------------------------------------------------------------------------
# province mode: many counties side by side, for scale tests of tiled runs

WARP_MAX = 535.0            # metres: the largest displacement Warp can make (sum of its amplitudes)
PROVINCE_GAP = 2000.0       # metres: at least this much between neighbouring counties
ZONE_LON = (112.5, 115.5)   # EPSG:4547's area of use (the 3-degree zone round 114E)
MIN_PARCELS_PER_COUNTY = 500
PROVINCE_ENTERPRISE_FIELDS = [("enterprise_id", ogr.OFTString, 16), ("name", ogr.OFTString, 64)]

PROVINCE_YAML = """\
# SoilMap scale-test project: a SYNTHETIC province of {n} counties, {k} parcels each
# (generate.py --province {n} --parcels-per-county {k} --seed {seed}). Same keys as the
# sample county's SampleData/project.yaml; paths are relative to this file, outputs go to out/.
# Run:  soilmap run path/to/this/project.yaml
name: 合成省（{n} 个县，每县 {k} 个地块）耕地土壤环境质量类别划分 — synthetic province, {n} counties

samples:
  path: samples.csv
  x: lon
  y: lat
  crs: EPSG:4326
  id: sample_id
  below_detection: half

parcels:
  path: province.gpkg
  layer: parcels
  id_field: parcel_id
  township_field: town_name
  land_use_field: land_use
  land_use_map: {{水田: paddy, 旱地: other, 水浇地: other, 果园: orchard}}

townships:
  path: province.gpkg
  layer: townships
  name_field: name

standard: gb15618

pollutants:
  - {{name: Cd, method: auto}}
  - {{name: Hg, method: auto}}
  - {{name: As, method: auto}}
  - {{name: Pb, method: auto}}
  - {{name: Cr, method: auto}}
  - {{name: Cu, method: auto, classify: false}}
  - {{name: Ni, method: auto, classify: false}}
  - {{name: Zn, method: auto, classify: false}}

ph: {{field: pH, method: auto}}

interpolation:
  max_points: 16
  min_points: 3

grid:
  resolution: 10
  crs: auto
  margin: 100

# Soil around key supervised enterprises: three synthetic pollution sources per county.
monitoring:
  path: province.gpkg
  layer: enterprises
  id_field: enterprise_id
  name_field: name
  rings: [0, 500, 1000, 2000]

parcel_rule: mean
area: geodesic
outputs:
  dir: out
"""


def county_names(ci, digits):
    """Tag (C01 ...) and township table of county ci (0-based): the real
    Gaoping names with the tag in front, so names are unique in the province,
    and synthetic codes 9nnnnn + the township's own 3 digits (no real
    division code starts with 9)."""
    tag = "C%0*d" % (digits, ci + 1)
    code6 = "9%05d" % (ci + 1)
    return tag, [(code6 + c9[6:], code6 + c12[6:], "%s %s" % (tag, name), kind, "%s %s" % (tag, en))
                 for c9, c12, name, kind, en in TOWNSHIPS]


def province_layout(n, seeds, area_km2, centre):
    """Cell size and county centres: a grid of ceil(sqrt(n)) columns (fewer if
    the province would leave the Gauss-Kruger zone; more rows then), row by
    row from the north-west, centred on the central meridian at the sample
    county's northing. A cell holds any county of these seeds: the largest
    outline half-extent, plus the warp, 3 % for the area rescaling and half
    the gap, rounded up to a kilometre."""
    hx = hy = 0.0
    for sd in seeds:
        o = make_outline(np.random.default_rng(sd), 0.0, 0.0, area_km2)
        hx, hy = max(hx, np.abs(o[:, 0]).max()), max(hy, np.abs(o[:, 1]).max())
    sx = 1000.0 * math.ceil((2.0 * (hx + WARP_MAX) * 1.03 + PROVINCE_GAP) / 1000.0)
    sy = 1000.0 * math.ceil((2.0 * (hy + WARP_MAX) * 1.03 + PROVINCE_GAP) / 1000.0)
    tr = osr.CoordinateTransformation(srs_work(), srs_wgs84())
    cols = int(math.ceil(math.sqrt(n)))
    while True:
        rows = int(math.ceil(n / cols))
        x0, y0 = centre[0] - cols * sx / 2.0, centre[1] + rows * sy / 2.0
        x1, y1 = x0 + cols * sx, y0 - rows * sy
        lons = [p[0] for p in tr.TransformPoints([(x0, y0), (x0, y1), (x1, y0), (x1, y1)])]
        if (min(lons) >= ZONE_LON[0] and max(lons) <= ZONE_LON[1]) or cols == 1:
            break
        cols -= 1
    if min(lons) < ZONE_LON[0] or max(lons) > ZONE_LON[1]:
        print("warning: the province spans %.2f-%.2f E, beyond EPSG:%d's zone (%.1f-%.1f E)"
              % (min(lons), max(lons), WORK_EPSG, ZONE_LON[0], ZONE_LON[1]), file=sys.stderr)
    centres = [(round(x0 + (i % cols + 0.5) * sx), round(y0 - (i // cols + 0.5) * sy)) for i in range(n)]
    return sx, sy, cols, rows, centres, (x0, x1, y1, y0)


def make_province(args):
    import time
    t0 = time.time()
    n, k = args.province, args.parcels_per_county
    out = args.out
    os.makedirs(out, exist_ok=True)
    share = k / float(N_PARCELS)                 # county area and extra samples scale with the parcels
    area_km2 = COUNTY_AREA_KM2 * share
    n_src, n_riv = int(round(80 * share)), int(round(90 * share))
    digits = max(2, len(str(n)))
    tr = osr.CoordinateTransformation(srs_wgs84(), srs_work())
    gx, gy, _ = tr.TransformPoint(*COUNTY_CENTRE_LONLAT)
    seeds = [args.seed + i for i in range(n)]
    sx, sy, cols, rows, centres, extent = province_layout(n, seeds, area_km2, (500000.0, round(gy)))
    print("province: %d counties (%d columns x %d rows), %d parcels and %.1f km2 each; cell %.0f x %.0f m"
          % (n, cols, rows, k, area_km2, sx, sy))

    gpkg = os.path.join(out, "province.gpkg")
    remove_dataset(gpkg)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(gpkg)
    opts = ["FID=fid", "GEOMETRY_NAME=geom"]
    lp = create_layer(ds, "parcels", ogr.wkbMultiPolygon, PARCEL_FIELDS,
                      opts + ["SPATIAL_INDEX=YES", "DESCRIPTION=SYNTHETIC farmland parcels of a %d-county province "
                              "(SoilMap scale tests)" % n])
    lt = create_layer(ds, "townships", ogr.wkbPolygon, TOWNSHIP_FIELDS,
                      opts + ["SPATIAL_INDEX=YES", "DESCRIPTION=SYNTHETIC township boundaries; names are Gaoping's "
                              "with a county tag, codes synthetic"])
    le = create_layer(ds, "enterprises", ogr.wkbPoint, PROVINCE_ENTERPRISE_FIELDS,
                      opts + ["SPATIAL_INDEX=NO", "DESCRIPTION=SYNTHETIC key supervised enterprises (pollution sources)"])
    fh = open(os.path.join(out, "samples.csv"), "w", newline="", encoding="utf-8")
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(SAMPLE_HEADER)
    tot_p = tot_s = 0
    for ci, (cx, cy) in enumerate(centres):
        tag, names = county_names(ci, digits)
        cell = (cx - sx / 2.0, cx + sx / 2.0, cy - sy / 2.0, cy + sy / 2.0)
        for attempt in range(6):
            seed = seeds[ci] + 100003 * attempt
            rng = np.random.default_rng(seed)
            try:
                c = make_county(rng, cx, cy, area_km2, k, tag + "-")
            except RuntimeError as e:
                print("  %s seed %d: %s; next seed" % (tag, seed, e))
                continue
            minx, maxx, miny, maxy = c["county"].GetEnvelope()
            if minx > cell[0] and maxx < cell[1] and miny > cell[2] and maxy < cell[3]:
                break
            print("  %s seed %d: county leaves its cell; next seed" % (tag, seed))
        else:
            raise RuntimeError("county %s: no usable seed" % tag)
        parcels = c["parcels"]
        pts, _ = survey_design(rng, c["county"], c["ctx"], parcels, 745.0, n_src, n_riv)
        vals = c["model"].evaluate(pts[:, 0], pts[:, 1], rng)
        append_rows(lp, parcel_rows(parcels, names), multi=True)
        append_rows(lt, township_rows(c["townships"], names))
        erows = []
        for s in c["sources"]:
            g = ogr.Geometry(ogr.wkbPoint)
            g.AddPoint_2D(s["x"], s["y"])
            erows.append(({"enterprise_id": "%s-%s" % (tag, s["id"]), "name": "%s %s" % (tag, s["name"])}, g))
        append_rows(le, erows)
        w.writerows(sample_rows(["%s-S%04d" % (tag, m + 1) for m in range(len(pts))], pts, vals))
        tot_p += len(parcels)
        tot_s += len(pts)
        print("  %s seed %d centre (%d, %d): area %.2f km2, parcels %d, samples %d  [%.0f s]"
              % (tag, seed, cx, cy, c["county"].GetArea() / 1e6, len(parcels), len(pts), time.time() - t0))
        sys.stdout.flush()
        del c, parcels
    fh.close()
    ds = None

    with open(os.path.join(out, "project.yaml"), "w", encoding="utf-8") as fy:
        fy.write(PROVINCE_YAML.format(n=n, k=k, seed=args.seed))
    x0, x1, y1, y0 = extent
    ll = osr.CoordinateTransformation(srs_work(), srs_wgs84()).TransformPoints([(x0, y1), (x1, y0)])
    print("total: parcels %d, samples %d" % (tot_p, tot_s))
    print("province cells extent EPSG:%d x %.0f-%.0f, y %.0f-%.0f (%.1f x %.1f km; about %.3f-%.3f E, %.3f-%.3f N)"
          % (WORK_EPSG, x0, x1, y1, y0, (x1 - x0) / 1e3, (y0 - y1) / 1e3, ll[0][0], ll[1][0], ll[0][1], ll[1][1]))
    print("wrote %s, samples.csv, project.yaml in %s (%.0f s)" % (os.path.basename(gpkg), out, time.time() - t0))


# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", default=None, help="output folder (default: the script's folder; required with --province)")
    ap.add_argument("--report", action="store_true", help="print GB 15618 class counts for samples and parcels")
    ap.add_argument("--province", type=int, metavar="COUNTIES",
                    help="write a synthetic province of COUNTIES counties (province.gpkg, samples.csv, project.yaml) instead")
    ap.add_argument("--parcels-per-county", type=int, default=N_PARCELS, metavar="K",
                    help="with --province: parcels per county (default %(default)d); county area scales with K")
    args = ap.parse_args()
    if args.province is not None:
        if args.province < 1:
            ap.error("--province needs at least 1 county")
        if args.parcels_per_county < MIN_PARCELS_PER_COUNTY:
            ap.error("--parcels-per-county must be at least %d" % MIN_PARCELS_PER_COUNTY)
        if args.out is None:
            ap.error("--province needs --out DIR")
        if args.report:
            ap.error("--report is for the sample county only")
    elif args.parcels_per_county != N_PARCELS:
        ap.error("--parcels-per-county needs --province")

    gdal.SetConfigOption("OGR_CURRENT_DATE", PINNED_DATE + "T00:00:00Z")   # gpkg_contents.last_change
    gdal.SetConfigOption("CREATE_METADATA_TABLES", "NO")
    if args.province is not None:
        make_province(args)
        return
    out = args.out if args.out is not None else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(os.path.join(out, "small"), exist_ok=True)

    rng = np.random.default_rng(args.seed)
    tr = osr.CoordinateTransformation(srs_wgs84(), srs_work())
    cx, cy, _ = tr.TransformPoint(*COUNTY_CENTRE_LONLAT)
    cx, cy = round(cx, 2), round(cy, 2)
    c = make_county(rng, cx, cy)
    townships, county, window, sources, acid, ctx, parcels, model = (
        c["townships"], c["county"], c["window"], c["sources"], c["acid"], c["ctx"], c["parcels"], c["model"])
    river = ctx["river"]
    # 三调 fields and crop samples come from streams of their own, so every older value stays.
    add_sandiao(np.random.default_rng(args.seed + 1), parcels, model)
    crop_rng = np.random.default_rng(args.seed + 2)

    # ---- full project
    pts, land = survey_design(rng, county, ctx, parcels, 745.0, 80, 90)
    vals = model.evaluate(pts[:, 0], pts[:, 1], rng)
    ids = ["S%04d" % (n + 1) for n in range(len(pts))]
    gpkg = os.path.join(out, "gaoping_farmland.gpkg")
    trows, prows = township_rows(townships), parcel_rows(parcels)
    write_gpkg(gpkg, trows, prows, sources)
    write_shp(os.path.join(out, "gaoping_parcels_gbk.shp"), "gaoping_parcels_gbk", ogr.wkbPolygon, PARCEL_FIELDS + SANDIAO_FIELDS, prows)
    write_shp(os.path.join(out, "gaoping_townships_gbk.shp"), "gaoping_townships_gbk", ogr.wkbPolygon, TOWNSHIP_FIELDS, trows)
    write_samples(os.path.join(out, "samples.csv"), ids, pts, vals)
    crops = crop_samples(crop_rng, ids, pts, vals, land)
    write_crops(os.path.join(out, "crops.csv"), crops)

    # ---- small project
    wminx, wmaxx, wminy, wmaxy = window
    wgeom = poly_geom([np.array([[wminx, wminy], [wmaxx, wminy], [wmaxx, wmaxy], [wminx, wmaxy], [wminx, wminy]])])
    srows = []
    for attrs, g in trows:
        if g.Intersects(wgeom):
            gi = g.Intersection(wgeom)
            if gi.GetGeometryType() == ogr.wkbPolygon and gi.GetArea() > 1e5:
                a = dict(attrs)
                a["area_km2"] = round(gi.GetArea() / 1e6, 4)
                srows.append((a, round_geometry(gi)))
    inside = [r for r in prows if r[1].Within(wgeom)]
    pick = sorted(rng.choice(len(inside), size=min(300, len(inside)), replace=False))
    sprows = [inside[n] for n in pick]
    small_parcels = [{"pos": (r[1].PointOnSurface().GetX(), r[1].PointOnSurface().GetY()),
                      "land_use": r[0]["land_use"]} for r in sprows]
    spts, sland = survey_design(rng, county, {"sources": [sources[0]], "river": river}, small_parcels, 430.0, 14, 0, window)
    svals = model.evaluate(spts[:, 0], spts[:, 1], rng)
    sids = ["SM%03d" % (n + 1) for n in range(len(spts))]
    sdir = os.path.join(out, "small")
    sgpkg = os.path.join(sdir, "gaoping_small.gpkg")
    write_gpkg(sgpkg, srows, sprows)
    write_shp(os.path.join(sdir, "gaoping_small_parcels_gbk.shp"), "gaoping_small_parcels_gbk", ogr.wkbPolygon, PARCEL_FIELDS + SANDIAO_FIELDS, sprows)
    write_shp(os.path.join(sdir, "gaoping_small_townships_gbk.shp"), "gaoping_small_townships_gbk", ogr.wkbPolygon, TOWNSHIP_FIELDS, srows)
    write_samples(os.path.join(sdir, "samples.csv"), sids, spts, svals)
    scrops = crop_samples(crop_rng, sids, spts, svals, sland, prefix="CM")
    write_crops(os.path.join(sdir, "crops.csv"), scrops)

    print("county area %.2f km2, centre (%.2f, %.2f) EPSG:%d" % (county.GetArea() / 1e6, cx, cy, WORK_EPSG))
    print("parcels %d, samples %d, crop samples %d; small: townships %d, parcels %d, samples %d, crop samples %d"
          % (len(parcels), len(pts), len(crops), len(srows), len(sprows), len(spts), len(scrops)))
    print("small window (minx, maxx, miny, maxy):", window)
    for s in sources:
        print("source %-10s x=%.1f y=%.1f" % (s["id"], s["x"], s["y"]))
    print("acid zone centre x=%.1f y=%.1f sigma=%.0f m; river_cut_y=%.1f" % (acid["x"], acid["y"], acid["sigma"], ctx["river_cut_y"]))

    if args.report:
        report(parcels, pts, vals, gpkg, spts, svals, sgpkg, model, args.seed)


def report(parcels, pts, vals, gpkg, spts, svals, sgpkg, model, seed):
    from collections import Counter
    lus = Counter(p["land_use"] for p in parcels)
    print("parcel land use:", {k: "%d (%.1f%%)" % (v, 100.0 * v / len(parcels)) for k, v in lus.items()})
    print("parcel kinds:", dict(Counter(p["kind"] for p in parcels)))
    areas = np.array([p["geom"].GetArea() / 1e4 for p in parcels])
    print("parcel area ha: min %.2f median %.2f max %.2f total %.0f" % (areas.min(), np.median(areas), areas.max(), areas.sum()))
    for label, P, V, path in (("samples", pts, vals, gpkg), ("small samples", spts, svals, sgpkg)):
        lu = [x if x is not None else "other" for x in land_use_at(P, path)]
        cls, cuznni = classify(V, lu)
        c = Counter(cls.tolist())
        print("%s (%d): class1 %d, class2 %d, class3 %d; Cu/Ni/Zn above screening %d; on paddy %d"
              % (label, len(P), c[1], c[2], c[3], int(cuznni.sum()), sum(1 for x in lu if x == "水田")))
        ph = V["pH"]
        edge = sum(int(np.sum(np.abs(ph - e) <= 0.0101)) for e in (5.5, 6.5, 7.5))
        print("  pH min %.2f max %.2f, within 0.01 of 5.5/6.5/7.5: %d; pH<=7.5: %d" % (ph.min(), ph.max(), edge, int(np.sum(ph <= 7.5))))
        for m in METALS:
            print("  %-2s median %8.3f p95 %8.3f max %9.3f" % (m, np.median(V[m]), np.percentile(V[m], 95), V[m].max()))
    # rough parcel estimate: a virtual sample at each parcel's inner point
    prng = np.random.default_rng(seed + 1)
    P = np.array([p["pos"] for p in parcels])
    V = model.evaluate(P[:, 0], P[:, 1], prng)
    cls, cuznni = classify(V, [p["land_use"] for p in parcels])
    c = Counter(cls.tolist())
    print("parcels (virtual sample at each parcel, %d): class1 %d, class2 %d, class3 %d; Cu/Ni/Zn above %d"
          % (len(parcels), c[1], c[2], c[3], int(cuznni.sum())))


if __name__ == "__main__":
    main()

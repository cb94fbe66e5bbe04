#!/bin/sh
# Regenerates the gdal_grid reference fixtures used by GeostatTests (GdalGridTests.swift).
# Needs python3 and gdal-bin (made with GDAL 3.6.2). Run from this folder:
#   sh make_gdal_grid_fixtures.sh
# Outputs (all plain text, committed):
#   (AAIGrid text, 17 decimals, row 0 = north)
#   gdal_points.csv            300 seeded random points: id,x,y,z (projected metres, UTM-like offsets)
#   gdal_invdist_p2_s25.asc    gdal_grid invdist:power=2:smoothing=25 (global, all points)
#   gdal_invdist_p2.asc        gdal_grid invdist:power=2 (global, no smoothing: the case of gdal_grid's
#                              float32 SSE/AVX kernel, here computed by the plain double C code)
#   gdal_invdistnn_p2_n12.asc  gdal_grid invdistnn:power=2:max_points=12:radius=1500:min_points=5
# Grid: -txe 399000 411000 -tye 4001000 4010000 -outsize 48 36 (250 m cells), Float64, nodata -9999.
set -eu
python3 - <<'PY'
import math, random
rng = random.Random(20240601)
with open("gdal_points.csv", "w") as f:
    f.write("id,x,y,z\n")
    for i in range(300):
        x = 400000.0 + round(rng.uniform(0, 10000), 3)
        y = 4002000.0 + round(rng.uniform(0, 7000), 3)
        z = 50 + 30*math.sin(x/1700.0) + 20*math.cos(y/2300.0) + rng.gauss(0, 5)
        f.write("%d,%.3f,%.3f,%.17g\n" % (i, x, y, z))
PY
cat > gdal_points.vrt <<'VRT'
<OGRVRTDataSource>
  <OGRVRTLayer name="gdal_points">
    <SrcDataSource>gdal_points.csv</SrcDataSource>
    <GeometryType>wkbPoint</GeometryType>
    <GeometryField encoding="PointFromColumns" x="x" y="y" z="z"/>
  </OGRVRTLayer>
</OGRVRTDataSource>
VRT
# Plain C code paths only (no float32 SSE/AVX kernels).
export GDAL_USE_AVX=NO GDAL_USE_SSE=NO
GRID="-txe 399000 411000 -tye 4001000 4010000 -outsize 48 36 -ot Float64 -zfield z -l gdal_points"
gdal_grid -q $GRID -a invdist:power=2:smoothing=25:nodata=-9999 gdal_points.vrt tmp_invdist.tif
gdal_grid -q $GRID -a invdist:power=2:smoothing=0:nodata=-9999 gdal_points.vrt tmp_invdist_p2.tif
gdal_grid -q $GRID -a invdistnn:power=2:smoothing=0:max_points=12:radius=1500:min_points=5:nodata=-9999 gdal_points.vrt tmp_invdistnn.tif
gdalinfo tmp_invdist.tif | grep -E "Origin|Pixel Size|Size is" > gdal_grid_geometry.txt
gdal_translate -q -of AAIGrid -co DECIMAL_PRECISION=17 tmp_invdist.tif gdal_invdist_p2_s25.asc
gdal_translate -q -of AAIGrid -co DECIMAL_PRECISION=17 tmp_invdistnn.tif gdal_invdistnn_p2_n12.asc
gdal_translate -q -of AAIGrid -co DECIMAL_PRECISION=17 tmp_invdist_p2.tif gdal_invdist_p2.asc
rm -f tmp_invdist.tif tmp_invdistnn.tif tmp_invdist_p2.tif gdal_points.vrt *.prj *.aux.xml

#!/usr/bin/env bash
# The chain of reference tools an analyst would run instead of `soilmap run` on the sample
# project, timed as a whole (wall clock and the peak RSS of its largest step):
#   1. ogr2ogr: samples.csv (WGS 84 lon/lat) → points in EPSG:4547
#   2. gdal_grid invdistnn (16 nearest, power 2, radius 5000 m) for each of the 9 variables,
#      on SoilMap's grid (read from its run.json), GDAL_NUM_THREADS=ALL_CPUS
#   3. exactextract (raster-sequential): per-parcel class fractions of a class raster
# The classification step between 2 and 3 (GB 15618 by pH band and land use) has no
# standard tool; the chain reuses SoilMap's class.tif for step 3, so this is a LOWER BOUND
# of the chain's time. Kriging with gstat instead of gdal_grid would take far longer.
#
# usage: chain_e2e.sh SOILMAP_RUN_DIR WORK_DIR VENV_PYTHON
set -euo pipefail
RUN_DIR=$1 WORK=$2 VPY=$3
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
mkdir -p "$WORK"
read -r MINX MAXY CELL COLS ROWS < <(/usr/bin/python3 -c "
import json; g=json.load(open('$RUN_DIR/run.json'))['parameters']['grid']
print(g['min_x'], g['max_y'], g['cell'], g['columns'], g['rows'])")
MAXX=$(/usr/bin/python3 -c "print($MINX + $CELL * $COLS)")
MINY=$(/usr/bin/python3 -c "print($MAXY - $CELL * $ROWS)")
PEAK=0
step() {  # label cmd...
  /usr/bin/time -v -o "$WORK/step.time" "$@" > "$WORK/step.log" 2>&1 || { echo "chain step failed: $*" >&2; tail -5 "$WORK/step.log" >&2; exit 1; }
  local rss; rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$WORK/step.time")
  if [ "$rss" -gt "$PEAK" ]; then PEAK=$rss; fi
}
T0=$(date +%s.%N)
step ogr2ogr -overwrite -f GPKG "$WORK/samples_4547.gpkg" "$ROOT/SampleData/samples.csv" -nln samples \
  -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat -oo AUTODETECT_TYPE=YES -s_srs EPSG:4326 -t_srs EPSG:4547
for v in pH Cd Hg As Pb Cr Cu Ni Zn; do
  step env GDAL_NUM_THREADS=ALL_CPUS gdal_grid -q -zfield "$v" -a invdistnn:power=2:max_points=16:radius=5000:nodata=-9999 \
    -txe "$MINX" "$MAXX" -tye "$MAXY" "$MINY" -outsize "$COLS" "$ROWS" -ot Float32 \
    -co TILED=YES -co COMPRESS=DEFLATE -l samples "$WORK/samples_4547.gpkg" "$WORK/$v.tif"
done
# exactextract takes a single-layer source: the parcels layer on its own.
step ogr2ogr -overwrite -f GPKG "$WORK/parcels.gpkg" "$ROOT/SampleData/gaoping_farmland.gpkg" parcels
step "$VPY" "$HERE/exactextract_zonal.py" "$RUN_DIR/class.tif" "$WORK/parcels.gpkg" "$WORK/parcel_classes.csv" raster-sequential
T1=$(date +%s.%N)
echo "chain_wall_s $(/usr/bin/python3 -c "print(round($T1 - $T0, 2))") peak_rss_mb $((PEAK / 1024))"

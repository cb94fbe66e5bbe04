#!/usr/bin/env bash
# Run and time the reference tools on the problems made by make_problems.py.
#
#   Benchmarks/reference/run_references.sh            # all
#   ONLY="gdal_invdistnn gstat_krige" Benchmarks/reference/run_references.sh
#
# Each run is timed with /usr/bin/time -v (wall clock and peak RSS of the whole
# process, start-up included). Runs are sequential, never concurrent. Outputs
# and timings go to Benchmarks/work/ref/ (git-ignored):
#   gdal_invdistnn.tif, gdal_invdist.tif        gdal_grid results, 2000 x 1500 Float32, nodata -9999
#   gstat_krige_logpred.tif, gstat_krige_logvar.tif, gstat_variogram_*.csv   (1000 x 750, ln scale)
#   exactextract_raster-sequential.csv, exactextract_feature-sequential.csv  per-parcel class coverage
#   timings.csv                                  tool,task,wall_s,inner_s,cells,cells_per_s,peak_rss_mb
#   <name>.log, <name>.time                      tool output and /usr/bin/time -v report
# "inner_s" is the time of the computation alone where the tool reports it
# (R: krige() call; exactextract: exact_extract() call); wall_s includes
# start-up and I/O. cells = output grid cells (interpolation) or raster cells
# (zonal).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$(dirname "$HERE")
WORK=${WORK:-$BENCH/work}
REF=$WORK/ref
PY=/usr/bin/python3
VENV=$WORK/venv
ONLY=${ONLY:-"gdal_invdistnn gdal_invdist gstat_krige exactextract_raster-sequential exactextract_feature-sequential"}

mkdir -p "$REF"
if [ ! -f "$WORK/interp/samples.csv" ] || [ ! -f "$WORK/zonal/classes.tif" ]; then
  "$PY" "$HERE/make_problems.py" --out "$WORK"
fi
if [[ "$ONLY" == *exactextract* ]] && ! "$VENV/bin/python" -c "import exactextract" 2>/dev/null; then
  # a venv that sees Debian's python3-gdal/numpy, plus exactextract from PyPI
  "$PY" -m venv --system-site-packages "$VENV"
  "$VENV/bin/pip" install -q exactextract
fi

# extent / sizes from the problem definition
read -r XMIN YMIN XMAX YMAX NX NY KNX KNY < <("$PY" - "$WORK/interp/problem.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
e, g, k = m["extent"], m["grid"], m["kriging_grid"]
print(e["xmin"], e["ymin"], e["xmax"], e["ymax"], g["nx"], g["ny"], k["nx"], k["ny"])
EOF
)
RASTER_CELLS=$("$PY" -c "import json; m=json.load(open('$WORK/zonal/problem.json'))['raster']; print(m['nx']*m['ny'])")

TIMINGS=$REF/timings.csv
[ -f "$TIMINGS" ] || echo "tool,task,wall_s,inner_s,cells,cells_per_s,peak_rss_mb" > "$TIMINGS"

# run NAME TOOL TASK CELLS INNER_REGEX -- command...
run() {
  local name=$1 tool=$2 task=$3 cells=$4 inner_re=$5
  shift 6
  echo ">> $name: $*" >&2
  /usr/bin/time -v -o "$REF/$name.time" "$@" > "$REF/$name.log" 2>&1 || {
    echo "!! $name failed, see $REF/$name.log" >&2; tail -5 "$REF/$name.log" >&2; return 0; }
  "$PY" - "$REF/$name.time" "$REF/$name.log" "$tool" "$task" "$cells" "$inner_re" >> "$TIMINGS" <<'EOF'
import re, sys
tfile, log, tool, task, cells, inner_re = sys.argv[1:7]
t = open(tfile).read()
w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024.0
inner = ""
if inner_re:
    m = re.search(inner_re, open(log).read())
    inner = "%.3f" % float(m.group(1)) if m else ""
cells = int(cells)
basis = float(inner) if inner else wall
print("%s,%s,%.3f,%s,%d,%.0f,%.1f" % (tool, task, wall, inner, cells, cells / basis, rss))
EOF
}

cd "$WORK/interp"
for n in $ONLY; do
  case $n in
    gdal_invdistnn)
      run gdal_invdistnn gdal_grid "invdistnn p2 n16 r6000 2000x1500" $((NX*NY)) "" -- env GDAL_NUM_THREADS=ALL_CPUS \
        gdal_grid -q -a invdistnn:power=2.0:smoothing=0.0:radius=6000:max_points=16:min_points=0:nodata=-9999 \
          -zfield value -txe "$XMIN" "$XMAX" -tye "$YMAX" "$YMIN" -outsize "$NX" "$NY" \
          -a_srs EPSG:4547 -ot Float32 -of GTiff -co TILED=YES -l samples samples.vrt "$REF/gdal_invdistnn.tif" ;;
    gdal_invdist)
      run gdal_invdist gdal_grid "invdist p2 all points 2000x1500" $((NX*NY)) "" -- env GDAL_NUM_THREADS=ALL_CPUS \
        gdal_grid -q -a invdist:power=2.0:smoothing=0.0:nodata=-9999 \
          -zfield value -txe "$XMIN" "$XMAX" -tye "$YMAX" "$YMIN" -outsize "$NX" "$NY" \
          -a_srs EPSG:4547 -ot Float32 -of GTiff -co TILED=YES -l samples samples.vrt "$REF/gdal_invdist.tif" ;;
    gstat_krige)
      run gstat_krige "R gstat" "OK ln(value) nmax16 Sph 1000x750" $((KNX*KNY)) "krige ([0-9.]+) s" -- \
        Rscript "$HERE/krige.R" samples.csv "$REF" "$XMIN" "$YMIN" "$XMAX" "$YMAX" "$KNX" "$KNY" ;;
    exactextract_raster-sequential|exactextract_feature-sequential)
      s=${n#exactextract_}
      run "$n" exactextract "class coverage $s 20000 parcels" "$RASTER_CELLS" "\) ([0-9.]+) s for" -- \
        "$VENV/bin/python" "$HERE/exactextract_zonal.py" "$WORK/zonal/classes.tif" "$WORK/zonal/parcels.gpkg" \
          "$REF/$n.csv" "$s" ;;
    *) echo "unknown run $n" >&2 ;;
  esac
done

echo
echo "Timings (this run and earlier ones in $TIMINGS; machine: $(nproc) cores; noisy if others are busy):"
"$PY" - "$TIMINGS" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("%-12s %-42s %9s %9s %12s %9s" % ("tool", "task", "wall s", "inner s", "cells/s", "RSS MB"))
for r in rows:
    print("%-12s %-42s %9s %9s %12s %9s" % (r["tool"], r["task"], r["wall_s"], r["inner_s"] or "-",
                                             r["cells_per_s"], r["peak_rss_mb"]))
EOF

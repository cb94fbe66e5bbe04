#!/usr/bin/env bash
# The CPU that GDAL alone spends encoding a `soilmap run`'s float surfaces the way SoilMap
# writes them, as a floor for the run's own CPU time (issue 13's budget: ≤ 10 s on the 2-core
# machine allows at most 20 s of CPU for everything).
#
# For each Float32 surface of the run (every .tif but the categorical class.tif and
# controlling.tif), from an uncompressed tiled copy made beforehand (not timed, like the
# pixels SoilMap holds in memory):
#   1. gdaladdo -r average 2 4 8 … (the overviews SoilMap builds in its staging file)
#   2. gdal_translate -of COG, DEFLATE level 1, floating-point predictor, 512-pixel tiles,
#      the existing overviews, one thread (SoilMap's creation options, so each copy should be
#      byte-identical to SoilMap's file: the script counts those that are)
# The CPU time (user + system, /usr/bin/time) of those processes is summed; the CPU of as many
# bare GDAL start-ups (gdal_translate --version) is measured apart and subtracted.
#
# usage: cog_floor.sh SOILMAP_RUN_DIR WORK_DIR
# prints: cog_floor_cpu_s <s> files <n> identical <k> startup_cpu_s <s>
set -euo pipefail
RUN_DIR=$1 WORK=$2
rm -rf "$WORK"; mkdir -p "$WORK"
cpu() { awk -F: '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$1"; }
n=0 same=0 total=0 procs=0
for f in "$RUN_DIR"/*.tif; do
  b=$(basename "$f" .tif)
  case "$b" in class|controlling) continue ;; esac
  gdal_translate -q -co TILED=YES -co BLOCKXSIZE=512 -co BLOCKYSIZE=512 "$f" "$WORK/$b.stage.tif"
  # the overview factors SoilMap uses: 2, 4, … until the larger side fits in one 512 tile
  read -r cols rows < <(gdalinfo "$f" | awk '/^Size is/ {gsub(",", ""); print $3, $4}')
  levels=() fct=2
  while [ $(( (cols > rows ? cols : rows) / (fct / 2) )) -gt 512 ]; do levels+=("$fct"); fct=$((fct * 2)); done
  # no overviews when the raster fits in one tile (gdaladdo without levels would choose its own)
  rm -f "$WORK/addo.time"
  if [ "${#levels[@]}" -gt 0 ]; then
    /usr/bin/time -o "$WORK/addo.time" -v gdaladdo -q -r average "$WORK/$b.stage.tif" "${levels[@]}" > /dev/null
    procs=$((procs + 1))
  fi
  /usr/bin/time -o "$WORK/cog.time" -v gdal_translate -q -of COG -co COMPRESS=DEFLATE -co LEVEL=1 \
    -co PREDICTOR=FLOATING_POINT -co BLOCKSIZE=512 -co BIGTIFF=IF_SAFER -co NUM_THREADS=1 \
    -co OVERVIEWS=FORCE_USE_EXISTING -co OVERVIEW_RESAMPLING=AVERAGE "$WORK/$b.stage.tif" "$WORK/$b.tif" > /dev/null
  procs=$((procs + 1))
  addo=0.00; [ -f "$WORK/addo.time" ] && addo=$(cpu "$WORK/addo.time")
  total=$(awk -v t="$total" -v a="$addo" -v c="$(cpu "$WORK/cog.time")" 'BEGIN { printf "%.2f", t + a + c }')
  n=$((n + 1))
  if cmp -s "$f" "$WORK/$b.tif"; then same=$((same + 1)); fi
  rm -f "$WORK/$b.stage.tif" "$WORK/$b.tif" "$WORK/$b.tif.aux.xml"
done
# the start-ups of as many GDAL processes, measured as one bash loop
/usr/bin/time -o "$WORK/start.time" -v bash -c "for i in \$(seq $procs); do gdal_translate --version > /dev/null; done"
start=$(cpu "$WORK/start.time")
floor=$(awk -v t="$total" -v s="$start" 'BEGIN { printf "%.2f", t - s }')
echo "cog_floor_cpu_s $floor files $n identical $same startup_cpu_s $start"

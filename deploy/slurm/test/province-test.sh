#!/usr/bin/env bash
# The tiled run on a real (one-node) Slurm cluster, checked against soilmap run:
#
#   1. a synthetic 4-county province (SampleData/generate.py --province 4);
#   2. soilmap run on it (one machine, one process);
#   3. run-province.sh: soilmap plan → sbatch --array (one task per tile, 1 CPU each) →
#      sbatch --wait merge;
#   4. every merged output must equal soilmap run's byte for byte (run.json aside:
#      timings and thread count); the tasks' peak memory and times are printed.
#
#   deploy/slurm/test/province-test.sh [TILES]     (default 4; make slurm-test runs it)
#
# Root on Debian 12; installs slurm-wlm, munge and python3-gdal if missing. Needs the
# release binary (.build/release/soilmap, make release). Writes under
# ${PROVINCE_TEST_DIR:-.build/slurm-test}. Exits non-zero on any difference.
set -euo pipefail
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$HERE/../../.." && pwd)
SLURM_DIR=$ROOT/deploy/slurm
TILES=${1:-4}
WORK=${PROVINCE_TEST_DIR:-$ROOT/.build/slurm-test}
SOILMAP=${SOILMAP:-$ROOT/.build/release/soilmap}
[[ -x $SOILMAP ]] || { echo "province-test: no $SOILMAP; run make release first" >&2; exit 2; }
export SOILMAP

if ! /usr/bin/python3 -c 'import numpy; from osgeo import gdal' 2>/dev/null; then
    echo "province-test: installing python3-gdal and python3-numpy (for SampleData/generate.py)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-gdal python3-numpy >/dev/null
fi

trap '"$SLURM_DIR/single-node-cluster.sh" stop >/dev/null 2>&1 || true' EXIT
"$SLURM_DIR/single-node-cluster.sh" start
export SLURM_CONF=${SOILMAP_SLURM_DIR:-/tmp/soilmap-slurm}/etc/slurm.conf

rm -rf "$WORK"; mkdir -p "$WORK"
t=$(date +%s)
/usr/bin/python3 "$ROOT/SampleData/generate.py" --province 4 --parcels-per-county 2000 --out "$WORK/province" >/dev/null
echo "province-test: province generated in $(($(date +%s) - t)) s"

t=$(date +%s)
/usr/bin/time -f "%e %M" -o "$WORK/run.time" "$SOILMAP" run "$WORK/province/project.yaml" -o "$WORK/whole" --quiet
read -r run_s run_kb <"$WORK/run.time"
echo "province-test: soilmap run: $run_s s, peak memory $((run_kb / 1024)) MB"

t=$(date +%s)
SOILMAP_CPUS=1 SOILMAP_MEM=${SOILMAP_MEM:-2G} SOILMAP_MERGE_CPUS=2 \
    "$SLURM_DIR/run-province.sh" "$WORK/province/project.yaml" "$WORK/tiled" "$TILES"
echo "province-test: plan → $TILES Slurm array tasks → merge: $(($(date +%s) - t)) s (sbatch --wait polls the merge: up to ~30 s of it is waiting)"

# Every output of the whole run, compared with the merged one.
differ=0 same=0
for f in "$WORK/whole"/*; do
    name=$(basename -- "$f")
    [[ $name == run.json ]] && continue
    if cmp -s "$f" "$WORK/tiled/$name"; then same=$((same + 1)); else echo "province-test: DIFFERS: $name" >&2; differ=$((differ + 1)); fi
done
/usr/bin/python3 - "$WORK/tiled" <<'PY'
import json, sys, glob
tiles = [json.load(open(p)) for p in sorted(glob.glob(sys.argv[1] + "/tiles/*/tile.json"))]
for t in tiles:
    print("province-test: tile %d on %s: %d parcels, %d cells, %.1f s, peak memory %.0f MB"
          % (t["index"], t["host"], t["parcels"], t["window"]["rows"] * t["window"]["columns"], t["seconds"], t["peakMemory"] / 2**20))
print("province-test: peak memory per task: max %.0f MB" % (max(t["peakMemory"] for t in tiles) / 2**20))
PY
if ((differ > 0 || same == 0)); then
    echo "province-test: FAILED: $differ of $((same + differ)) outputs differ between soilmap run and the merged tiles" >&2
    exit 1
fi
echo "province-test: passed: all $same outputs of the Slurm run equal soilmap run's byte for byte"

#!/usr/bin/env bash
# Tiled runs at scale (issue 12), on synthetic provinces from SampleData/generate.py --province:
#   1. cost growth with area: provinces of 1, 4 and 16 counties (2,000 parcels each), tiles of
#      16 km a side, every tile run in turn on this machine: cells per second of the tiles, peak
#      memory per task (must not grow with the province), and soilmap run for comparison;
#   2. one machine vs N tasks: the 4-county province split into 1, 2, 4 and 8 tiles: plan, the sum
#      and the slowest of the tasks, merge; the wall time on N nodes is plan + slowest task + merge.
# Every merged run is compared byte for byte with soilmap run (a difference fails the script).
# Writes Benchmarks/results/tiled.md (and prints it).
#
#   make release && bash Benchmarks/tiled.sh        (about 15 minutes on 2 cores)
#
# Environment: SOILMAP (default .build/release/soilmap), TILED_WORK (default Benchmarks/work/tiled),
# COUNTIES (default "1 4 16"), SPLITS (default "1 2 4 8"), THREADS per task (default 2).
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
B=${SOILMAP:-$ROOT/.build/release/soilmap}
W=${TILED_WORK:-$BENCH/work/tiled}
THREADS=${THREADS:-2}
RESULT=$BENCH/results/tiled.md
[[ -x $B ]] || { echo "tiled.sh: no $B (make release)" >&2; exit 2; }
mkdir -p "$W"
py() { /usr/bin/python3 "$@"; }

# time and peak RSS (KB) of a command: "seconds kb"
timed() { /usr/bin/time -f "%e %M" -o "$W/.t" "$@" >/dev/null 2>"$W/.err" || { cat "$W/.err" >&2; return 1; }; cat "$W/.t"; }

same_outputs() {  # whole merged → number of differing files
    local n=0
    for f in "$1"/*; do
        local name; name=$(basename -- "$f")
        [[ $name == run.json ]] && continue
        cmp -s "$f" "$2/$name" || { echo "tiled.sh: DIFFERS: $2/$name" >&2; n=$((n + 1)); }
    done
    echo $n
}

# Tiles of a plan in turn; prints "sum_s max_s max_rss_mb cells"
run_tiles() {
    local plan=$1 n
    n=$(py -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tiles"]))' "$plan")
    for ((i = 0; i < n; i++)); do "$B" tile "$plan" --index "$i" --threads "$THREADS" --quiet >/dev/null; done
    py - "$(dirname "$plan")" <<'PY'
import json, glob, sys
t = [json.load(open(p)) for p in glob.glob(sys.argv[1] + "/tiles/*/tile.json")]
cells = sum(x["window"]["rows"] * x["window"]["columns"] for x in t)
print("%.1f %.1f %.0f %d" % (sum(x["seconds"] for x in t), max(x["seconds"] for x in t), max(x["peakMemory"] for x in t) / 2**20, cells))
PY
}

gridcells() { py -c 'import json,sys; g=json.load(open(sys.argv[1]))["grid"]; print(g["rows"]*g["columns"])' "$1"; }

{
echo "# Tiled runs at scale ($(date -u +%F), $(nproc) cores, $THREADS threads per task, tasks one after another)"
echo
echo "## 1. Cost growth with area (tiles of 16 km, 2,000 parcels per county, 10 m cells)"
echo
echo "| counties | parcels | grid cells | soilmap run | run peak | tiles | cells computed (with halos) | sum of tasks | cells/s (tasks) | peak per task | merge | identical |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
} >"$RESULT.tmp"
for c in ${COUNTIES:-1 4 16}; do
    P=$W/p$c
    [[ -f $P/province/project.yaml ]] || py "$ROOT/SampleData/generate.py" --province "$c" --parcels-per-county 2000 --out "$P/province" >/dev/null
    rm -rf "$P/whole" "$P/tiled"
    read -r run_s run_kb < <(timed "$B" run "$P/province/project.yaml" -o "$P/whole" --quiet --threads "$THREADS")
    timed "$B" plan "$P/province/project.yaml" -o "$P/tiled" --tile-size 16000 --quiet --threads "$THREADS" >/dev/null
    cells=$(gridcells "$P/tiled/plan.json")
    ntiles=$(py -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tiles"]))' "$P/tiled/plan.json")
    read -r sum_s max_s rss_mb tcells < <(run_tiles "$P/tiled/plan.json")
    read -r merge_s _ < <(timed "$B" merge "$P/tiled/plan.json" --quiet --threads "$THREADS")
    d=$(same_outputs "$P/whole" "$P/tiled")
    rate=$(py -c "print('%.2f M' % ($tcells / $sum_s / 1e6))")
    echo "| $c | $((c * 2000)) | $cells | $run_s s | $((run_kb / 1024)) MB | $ntiles | $tcells | $sum_s s | $rate | $rss_mb MB | $merge_s s | $([[ $d == 0 ]] && echo yes || echo "NO ($d files)") |" >>"$RESULT.tmp"
    [[ $d == 0 ]] || { cat "$RESULT.tmp"; exit 1; }
done
{
echo
echo "## 2. One machine vs N tasks (the 4-county province)"
echo
echo "Wall time on N nodes = plan + slowest task + merge (the tasks here ran one after another on one machine)."
echo
echo "| tasks | plan | sum of tasks | slowest task | peak per task | merge | wall time on N nodes | soilmap run | identical |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
} >>"$RESULT.tmp"
P=$W/p4
read -r run_s _ < <(timed "$B" run "$P/province/project.yaml" -o "$P/whole" --quiet --overwrite --threads "$THREADS")
for n in ${SPLITS:-1 2 4 8}; do
    rm -rf "$P/split$n"
    read -r plan_s _ < <(timed "$B" plan "$P/province/project.yaml" -o "$P/split$n" --tiles "$n" --quiet --threads "$THREADS")
    read -r sum_s max_s rss_mb _ < <(run_tiles "$P/split$n/plan.json")
    read -r merge_s _ < <(timed "$B" merge "$P/split$n/plan.json" --quiet --threads "$THREADS")
    d=$(same_outputs "$P/whole" "$P/split$n")
    wall=$(py -c "print('%.1f' % ($plan_s + $max_s + $merge_s))")
    echo "| $n | $plan_s s | $sum_s s | $max_s s | $rss_mb MB | $merge_s s | $wall s | $run_s s | $([[ $d == 0 ]] && echo yes || echo "NO ($d files)") |" >>"$RESULT.tmp"
    [[ $d == 0 ]] || { cat "$RESULT.tmp"; exit 1; }
done
mv "$RESULT.tmp" "$RESULT"
cat "$RESULT"

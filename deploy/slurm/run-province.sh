#!/usr/bin/env bash
# A tiled soilmap run on Slurm: plan, one array task per tile, merge.
#
#   run-province.sh PROJECT.yaml OUTDIR [TILES]
#
# 1. soilmap plan PROJECT.yaml -o OUTDIR [--tiles TILES]     (here, on the submit host)
# 2. sbatch --array=0-(N-1) soilmap-array.sbatch              (one task per tile)
# 3. sbatch --wait --dependency=afterok:ARRAY  soilmap merge  (runs only if every task succeeded)
# Exits 0 when the merge succeeded; otherwise non-zero, naming the failed tiles
# and printing the end of their logs. Ctrl-C cancels both jobs.
#
# Environment (all optional):
#   SOILMAP            soilmap binary, reachable from the compute nodes
#                      (default: soilmap on PATH, else this repository's .build/release/soilmap)
#   SOILMAP_CPUS       CPUs per tile task            (default 1)
#   SOILMAP_MEM        memory per tile task          (default 2G)
#   SOILMAP_MAX_PARALLEL  at most this many tiles at once (array %limit; default: no limit)
#   SOILMAP_TIME       time limit per task, e.g. 2:00:00 (default: the partition's)
#   SOILMAP_MERGE_CPUS / SOILMAP_MERGE_MEM / SOILMAP_MERGE_TIME   for the merge job (default 1 / 4G / partition's)
#   SOILMAP_PARTITION  partition (default: the cluster's default)
#   SOILMAP_SBATCH_ARGS  more sbatch options for both jobs (word-split), e.g. "--account=x --qos=y"
#   SOILMAP_PLAN_ARGS  more arguments for `soilmap plan` (word-split), e.g. "--overwrite" or "--tile-size 5000"
#   SOILMAP_TILE_ARGS  more arguments for `soilmap tile` (word-split); --threads defaults to the task's CPUs
# OUTDIR must be on a file system that the compute nodes share with this host.
set -euo pipefail

usage() { echo "usage: $0 PROJECT.yaml OUTDIR [TILES]" >&2; exit 2; }
(($# >= 2 && $# <= 3)) || usage
PROJECT=$1 OUTDIR=$2 TILES=${3:-}
[[ -f $PROJECT ]] || { echo "error: no project file $PROJECT" >&2; exit 2; }
[[ -z $TILES || $TILES =~ ^[1-9][0-9]*$ ]] || { echo "error: TILES must be a positive integer, not '$TILES'" >&2; exit 2; }

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
if [[ -z ${SOILMAP:-} ]]; then
    if command -v soilmap >/dev/null; then SOILMAP=$(command -v soilmap)
    else SOILMAP=$HERE/../../.build/release/soilmap; fi
fi
[[ $SOILMAP == */* ]] && SOILMAP=$(cd -- "$(dirname -- "$SOILMAP")" && pwd)/$(basename -- "$SOILMAP")
[[ -x $SOILMAP ]] || { echo "error: soilmap binary not found or not executable: $SOILMAP (set SOILMAP)" >&2; exit 2; }
for c in sbatch scontrol scancel; do
    command -v "$c" >/dev/null || { echo "error: $c not found (is this a Slurm submit host?)" >&2; exit 2; }
done

say() { printf '[run-province] %s\n' "$*" >&2; }
t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0)) s"; }

# 1. plan
mkdir -p "$OUTDIR"
OUTDIR=$(cd -- "$OUTDIR" && pwd)
PLAN=$OUTDIR/plan.json
LOGS=$OUTDIR/logs
STATUS=$OUTDIR/status
say "planning: $SOILMAP plan $PROJECT -o $OUTDIR ${TILES:+--tiles $TILES} ${SOILMAP_PLAN_ARGS:-}"
# shellcheck disable=SC2086
"$SOILMAP" plan "$PROJECT" -o "$OUTDIR" ${TILES:+--tiles "$TILES"} ${SOILMAP_PLAN_ARGS:-}
[[ -f $PLAN ]] || { echo "error: soilmap plan wrote no $PLAN" >&2; exit 1; }
if command -v jq >/dev/null; then N=$(jq -r '.tiles | length' "$PLAN")
else N=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tiles"]))' "$PLAN"); fi
if ! [[ $N =~ ^[0-9]+$ ]] || ((N == 0)); then echo "error: $PLAN lists no tiles ($N)" >&2; exit 1; fi

mkdir -p "$LOGS" "$STATUS"
rm -f "$STATUS"/tile-*.exit "$LOGS"/tile-*.out "$LOGS"/merge.out

common=(--chdir="$OUTDIR" --export="ALL,PLAN=$PLAN,SOILMAP=$SOILMAP,SOILMAP_STATUS_DIR=$STATUS")
[[ -n ${SOILMAP_PARTITION:-} ]] && common+=(--partition="$SOILMAP_PARTITION")
# shellcheck disable=SC2206
[[ -n ${SOILMAP_SBATCH_ARGS:-} ]] && common+=($SOILMAP_SBATCH_ARGS)

# 2. the tiles
array=0-$((N - 1))${SOILMAP_MAX_PARALLEL:+%$SOILMAP_MAX_PARALLEL}
tile_opts=(--array="$array" --job-name=soilmap-tile --cpus-per-task="${SOILMAP_CPUS:-1}" --mem="${SOILMAP_MEM:-2G}"
           --output="$LOGS/tile-%a.out")
[[ -n ${SOILMAP_TIME:-} ]] && tile_opts+=(--time="$SOILMAP_TIME")
# shellcheck disable=SC2086
ARRAY_JOB=$(sbatch --parsable "${common[@]}" "${tile_opts[@]}" "$HERE/soilmap-array.sbatch" ${SOILMAP_TILE_ARGS:-})
ARRAY_JOB=${ARRAY_JOB%%;*}
say "$N tiles: array job $ARRAY_JOB (logs $LOGS/tile-I.out)"

MERGE_JOB="" sb_pid=""
# shellcheck disable=SC2317  # (called by the trap)
cancel() {
    [[ -z $MERGE_JOB && -s $OUTDIR/.merge-job ]] && MERGE_JOB=$(head -n1 "$OUTDIR/.merge-job" | cut -d';' -f1)
    say "interrupted: cancelling job $ARRAY_JOB${MERGE_JOB:+ and $MERGE_JOB}"
    scancel "$ARRAY_JOB" ${MERGE_JOB:+"$MERGE_JOB"} 2>/dev/null || true
    [[ -z $sb_pid ]] || kill "$sb_pid" 2>/dev/null || true
    rm -f "$OUTDIR/.merge-job"
    exit 130
}
trap cancel INT TERM

# 3. the merge, once every tile succeeded; sbatch --wait returns the merge's exit
# code, and --kill-on-invalid-dep removes the merge when a tile fails (else it
# would stay pending for ever with DependencyNeverSatisfied).
merge_opts=(--job-name=soilmap-merge --cpus-per-task="${SOILMAP_MERGE_CPUS:-1}" --mem="${SOILMAP_MERGE_MEM:-4G}"
            --output="$LOGS/merge.out" --dependency="afterok:$ARRAY_JOB" --kill-on-invalid-dep=yes)
[[ -n ${SOILMAP_MERGE_TIME:-} ]] && merge_opts+=(--time="$SOILMAP_MERGE_TIME")
# A plan made anew over an earlier run (--overwrite) replaces that run's merged outputs too.
merge_extra=""
[[ " ${SOILMAP_PLAN_ARGS:-} " == *" --overwrite "* ]] && merge_extra=" --overwrite"
# The merge as a bash script, not --wrap (which /bin/sh runs: dash does not read the $'…'
# quoting that printf %q gives paths with non-ASCII characters, e.g. Chinese folder names).
# shellcheck disable=SC2016  # $(hostname -s) expands in the job
printf -v merge_cmd 'echo "== soilmap merge on $(hostname -s)"; exec %q merge %q --threads "${SLURM_CPUS_PER_TASK:-1}"%s' "$SOILMAP" "$PLAN" "$merge_extra"
printf '#!/usr/bin/env bash\n%s\n' "$merge_cmd" >"$OUTDIR/.merge.sh"
say "merge job waits for job $ARRAY_JOB; waiting for both..."
merge_rc=0
# sbatch --wait blocks, so start it in the background (the trap can act) and read its job id from its output
sbatch --parsable --wait "${common[@]}" "${merge_opts[@]}" "$OUTDIR/.merge.sh" >"$OUTDIR/.merge-job" &
sb_pid=$!
for _ in $(seq 1 100); do [[ -s $OUTDIR/.merge-job ]] && break; kill -0 "$sb_pid" 2>/dev/null || break; sleep 0.1; done
MERGE_JOB=$(head -n1 "$OUTDIR/.merge-job" 2>/dev/null | cut -d';' -f1)
wait "$sb_pid" || merge_rc=$?
trap - INT TERM
rm -f "$OUTDIR/.merge-job" "$OUTDIR/.merge.sh"

# Which tiles failed: a task that succeeded wrote status/tile-I.exit = 0; one that
# failed wrote its exit code, one that was killed, timed out or never ran wrote nothing.
failed=()
for ((i = 0; i < N; i++)); do
    [[ $(cat "$STATUS/tile-$i.exit" 2>/dev/null) == 0 ]] || failed+=("$i")
done

if ((merge_rc == 0 && ${#failed[@]} == 0)); then
    say "done: $N tiles and the merge succeeded in $(elapsed) (array job $ARRAY_JOB, merge job $MERGE_JOB); output in $OUTDIR"
    exit 0
fi

# Slurm's view of a task (kept MinJobAge seconds after it ended; no accounting needed)
task_state() {
    scontrol -o show job "${ARRAY_JOB}_$1" 2>/dev/null |
        grep -o 'JobState=[^ ]* Reason=[^ ]*\|ExitCode=[^ ]*' | tr '\n' ' '
}

{
    echo
    if ((${#failed[@]})); then
        echo "FAILED: ${#failed[@]} of $N tiles failed (array job $ARRAY_JOB): ${failed[*]}"
        shown=0
        for i in "${failed[@]}"; do
            code=$(cat "$STATUS/tile-$i.exit" 2>/dev/null || echo "none (killed, timed out, or never started)")
            echo
            echo "--- tile $i: exit code $code; slurm: $(task_state "$i")"
            if ((shown < 10)); then
                if [[ -f $LOGS/tile-$i.out ]]; then
                    echo "--- last lines of $LOGS/tile-$i.out:"
                    tail -n 25 "$LOGS/tile-$i.out" | sed 's/^/    /'
                else
                    echo "--- no log $LOGS/tile-$i.out"
                fi
                shown=$((shown + 1))
            fi
        done
        ((${#failed[@]} <= 10)) || echo "(logs of the first 10 shown; all in $LOGS)"
        echo
        echo "The merge did not run. After fixing, rerun the failed tiles alone with"
        ids=$(IFS=,; echo "${failed[*]}")
        echo "  sbatch --array=$ids --chdir=$OUTDIR --export=ALL,PLAN=$PLAN,SOILMAP=$SOILMAP,SOILMAP_STATUS_DIR=$STATUS --output=$LOGS/tile-%a.out $HERE/soilmap-array.sbatch"
        echo "then merge: $SOILMAP merge $PLAN"
    else
        echo "FAILED: all $N tiles succeeded but the merge (job ${MERGE_JOB:-?}) exited $merge_rc"
        if [[ -f $LOGS/merge.out ]]; then
            echo "--- last lines of $LOGS/merge.out:"
            tail -n 40 "$LOGS/merge.out" | sed 's/^/    /'
        fi
    fi
    echo "($(elapsed))"
} >&2
exit 1

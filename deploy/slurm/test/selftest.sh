#!/usr/bin/env bash
# End-to-end test of the Slurm wiring on this machine with fake-soilmap:
# a one-node cluster, a 4-tile run that must succeed, one with a failing tile
# and one with a failing merge that must fail with a clear message.
#
#   deploy/slurm/test/selftest.sh [--keep]     (--keep: leave the cluster running)
#
# Root on Debian 12 (installs slurm-wlm and munge if missing). Writes under
# ${SELFTEST_DIR:-/tmp/soilmap-slurm-selftest}.
set -euo pipefail
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
SLURM_DIR=$(cd -- "$HERE/.." && pwd)
WORK=${SELFTEST_DIR:-/tmp/soilmap-slurm-selftest}
export SOILMAP=$HERE/fake-soilmap FAKE_TILE_SECONDS=${FAKE_TILE_SECONDS:-1}
keep=0; [[ ${1:-} == --keep ]] && keep=1

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
fail() { echo "SELFTEST FAILED: $*" >&2; exit 1; }

((keep)) || trap '"$SLURM_DIR/single-node-cluster.sh" stop' EXIT
t=$(now)
"$SLURM_DIR/single-node-cluster.sh" start
echo "cluster up in $(secs "$t") s"
export SLURM_CONF=${SOILMAP_SLURM_DIR:-/tmp/soilmap-slurm}/etc/slurm.conf

rm -rf "$WORK"; mkdir -p "$WORK"
echo "name: ok" >"$WORK/ok.yaml"
printf 'name: bad tile\nfail_tiles: 2\n' >"$WORK/bad.yaml"
printf 'name: bad merge\nfail_merge: yes\n' >"$WORK/badmerge.yaml"

echo "== 1. four tiles, all succeed"
t=$(now)
"$SLURM_DIR/run-province.sh" "$WORK/ok.yaml" "$WORK/ok" 4 || fail "the good run failed"
[[ $(wc -l <"$WORK/ok/merged.txt") == 4 ]] || fail "merged.txt does not hold 4 tiles"
echo "   ok in $(secs "$t") s"

echo "== 2. tile 2 fails: run-province.sh must fail and name it"
t=$(now)
rc=0
"$SLURM_DIR/run-province.sh" "$WORK/bad.yaml" "$WORK/bad" 4 2>"$WORK/bad.err" || rc=$?
cat "$WORK/bad.err"
((rc != 0)) || fail "a failing tile did not fail the run"
grep -q 'FAILED: 1 of 4 tiles failed' "$WORK/bad.err" || fail "no 'FAILED: 1 of 4 tiles failed' message"
grep -q 'simulated failure' "$WORK/bad.err" || fail "the failed tile's log was not printed"
[[ ! -e $WORK/bad/merged.txt ]] || fail "the merge ran although a tile failed"
[[ -z $(squeue -h -n soilmap-merge) ]] || fail "a merge job was left in the queue"
echo "   failed as it should (exit $rc) in $(secs "$t") s"

echo "== 3. the merge fails: run-province.sh must fail and show the merge log"
t=$(now)
rc=0
"$SLURM_DIR/run-province.sh" "$WORK/badmerge.yaml" "$WORK/badmerge" 3 2>"$WORK/badmerge.err" || rc=$?
cat "$WORK/badmerge.err"
((rc != 0)) || fail "a failing merge did not fail the run"
grep -q 'the merge (job [0-9]*) exited' "$WORK/badmerge.err" || fail "no merge failure message"
echo "   failed as it should (exit $rc) in $(secs "$t") s"

echo "SELFTEST PASSED"

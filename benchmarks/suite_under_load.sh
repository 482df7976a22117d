#!/usr/bin/env bash
# The whole suite N times in a row, the way CI runs it, optionally while BUSY processes keep
# every core spinning: a test that fails here is a flaky test. Prints one line per run.
#
#   benchmarks/suite_under_load.sh [RUNS] [BUSY]     defaults: 10 runs, one busy loop per core
#   benchmarks/suite_under_load.sh 1 0               the idle figure
set -u
cd "$(dirname "$0")/.."
runs=${1:-10}
busy=${2:-$(nproc)}
burners=()
for _ in $(seq 1 "$busy"); do (while :; do :; done) & burners+=($!); done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT
log=$(mktemp -d /tmp/suite-under-load.XXXX)
failed=0
for i in $(seq 1 "$runs"); do
  start=$SECONDS
  bash scripts/dev.sh suite -q -p no:cacheprovider >"$log/run-$i.txt" 2>&1
  rc=$?
  [ $rc = 0 ] || failed=$((failed + 1))
  echo "run $i: exit $rc, $((SECONDS - start)) s, $(tail -n 1 "$log/run-$i.txt")"
done
echo "suite under load: $((runs - failed)) of $runs runs passed with $busy busy loops (logs in $log)"
[ $failed = 0 ]

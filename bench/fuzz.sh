#!/usr/bin/env bash
# Fuzzes every Jazzer target of the project, one after the other, each for the maxDuration of its
# @FuzzTest (60 s), and prints a Markdown row per target with the executions it ran; a finding
# lands in the target's *FuzzTestInputs directory (commit it, with the fix) and fails the run.
#
#   bench/fuzz.sh
#
# In the normal test run the same targets only replay their committed inputs (regression mode).
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -eq 0 ] || { echo "usage: bench/fuzz.sh" >&2; exit 2; }

# module:TestClass, one line per fuzz test class
targets=(
  "libp2p-multiformats:io.jlibp2p.multiformats.fuzz.MultiformatsFuzzTest"
)

./mvnw -B -q install -DskipTests -Ddocs.phase=none >/dev/null
status=0
for target in "${targets[@]}"; do
  module="${target%%:*}"
  class="${target#*:}"
  source="$module/src/test/java/${class//.//}.java"
  for method in $(grep -A2 '@FuzzTest' "$source" | grep -oE 'void [a-zA-Z0-9]+' | awk '{print $2}'); do
    log=$(mktemp)
    if JAZZER_FUZZ=1 ./mvnw -B -o test -pl "$module" -Ddocs.phase=none -Dtest="$class#$method" >"$log" 2>&1; then
      result="ok"
    else
      result="FINDING (see $log)"
      status=1
    fi
    # libFuzzer's last words: "Done 4700326 runs in 61 second(s)"
    runs=$(grep -oE 'Done [0-9]+ runs' "$log" | tail -1 | awk '{print $2}')
    echo "| $module | $method | ${runs:-?} | $result |"
  done
done
exit $status

#!/usr/bin/env bash
# Fuzzes every Jazzer target of the project, one after the other, and prints a Markdown row per
# target with the executions it ran and how long they took. A finding lands in the target's
# *FuzzTestInputs/<method>/ directory (keep it there as a regression input, with the fix) and fails
# the run.
#
#   bench/fuzz.sh [--runs N] [--max-minutes M] [--no-install] [FILTER]
#
#   --runs N          stop each target after N executions (default 10000000)
#   --max-minutes M   stop each target after M minutes anyway (default 30)
#   --no-install      skip building and installing every module first (they are installed already)
#   FILTER            only targets whose module, class or method contains FILTER
#
# Targets are found, not listed: every @FuzzTest method under */src/test/java. Every class of
# jlibp2p is instrumented for coverage (io.jlibp2p.**), not only the fuzzed module's own, so that
# a pipeline target is guided through the layers it drives. In the normal test run the same
# targets only replay their committed inputs (regression mode).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=10000000
max_minutes=30
filter=""
install=true
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --max-minutes) max_minutes="$2"; shift 2 ;;
    --no-install) install=false; shift ;;
    -*) echo "usage: bench/fuzz.sh [--runs N] [--max-minutes M] [--no-install] [FILTER]" >&2; exit 2 ;;
    *) filter="$1"; shift ;;
  esac
done

if $install; then
  ./mvnw -B -q install -DskipTests -Ddocs.phase=none >/dev/null
fi
echo "| module | target | executions | seconds | found |"
echo "|---|---|---|---|---|"
status=0
for source in $(grep -rl --include='*.java' '@FuzzTest' -- */src/test/java | sort); do
  module="${source%%/*}"
  class="${source#*/src/test/java/}"
  class="${class%.java}"
  class="${class//\//.}"
  for method in $(grep -A2 '@FuzzTest' "$source" | grep -oE 'void [a-zA-Z0-9]+' | awk '{print $2}'); do
    case "$module $class#$method" in *"$filter"*) ;; *) continue ;; esac
    log=$(mktemp -t fuzz-XXXXXX.log)
    # The whole run is one JUnit invocation, so the test timeout must outlast it. Jazzer also
    # takes it as the time one input may run before libFuzzer reports a hang, so a hanging input
    # fails the run only at that timeout (M + 10 minutes).
    if JAZZER_FUZZ=1 JAZZER_MAX_EXECUTIONS="$runs" JAZZER_MAX_DURATION="${max_minutes}m" \
        JAZZER_INSTRUMENT='io.jlibp2p.**' \
        ./mvnw -B -o test -pl "$module" -Ddocs.phase=none -Dtest="$class#$method" \
          -Dtest.timeout="$((max_minutes + 10)) m" >"$log" 2>&1; then
      result="nothing"
    else
      result="FINDING (see $log)"
      status=1
    fi
    # libFuzzer's last words: "Done 4700326 runs in 61 second(s)"
    done_line=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
    executions=$(awk '{print $2}' <<<"$done_line")
    seconds=$(awk '{print $5}' <<<"$done_line")
    echo "| $module | \`${class##*.}#$method\` | ${executions:-?} | ${seconds:-?} | $result |"
  done
done
exit $status

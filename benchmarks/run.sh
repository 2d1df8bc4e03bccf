#!/usr/bin/env bash
# Runs AgriScore's JMH benchmarks and regenerates the Markdown results table.
#
#   benchmarks/run.sh                                  # the whole suite (about 15 minutes)
#   benchmarks/run.sh ScoreBenchmark                   # one benchmark (a JMH regex)
#   benchmarks/run.sh BatchBenchmark -p batch=1024     # ... with any JMH option
#
# Build the jar first:  ./mvnw -B -q -pl benchmarks -am package -DskipTests -Pbenchmarks
# Writes benchmarks/results/jmh-result.json (JMH's JSON) and benchmarks/results/results.md (the
# table for the README, recording this exact command); AGRISCORE_BENCH_RESULTS=<dir> writes
# elsewhere. JVM flags for JMH and its forks (e.g. -Dagriscore.bench.models=<dir>) go in
# AGRISCORE_BENCH_JAVA_OPTS. See docs/benchmarks.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/benchmarks.jar"
out="${AGRISCORE_BENCH_RESULTS:-$here/results}"
java_opts="${AGRISCORE_BENCH_JAVA_OPTS:-}"

if [[ ! -f "$jar" ]]; then
  echo "run.sh: $jar is missing; build it with: ./mvnw -B -q -pl benchmarks -am package -DskipTests -Pbenchmarks" >&2
  exit 2
fi
mkdir -p "$out"

command="benchmarks/run.sh"
if (($#)); then
  command+="$(printf ' %q' "$@")"
fi
if [[ -n "$java_opts" ]]; then
  command="AGRISCORE_BENCH_JAVA_OPTS=$(printf '%q' "$java_opts") $command"
fi

# shellcheck disable=SC2086 # the options are a list of JVM flags
java $java_opts -jar "$jar" -rf json -rff "$out/jmh-result.json" "$@"
java -cp "$jar" pe.agriscore.bench.report.MarkdownReport \
  --results "$out/jmh-result.json" --output "$out/results.md" --command "$command"

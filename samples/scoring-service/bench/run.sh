#!/usr/bin/env bash
# The scoring service's HTTP benchmark (not a test): Debian's wrk against the demo service on
# 127.0.0.1, one run, side by side: the fixed-body ceiling (same stack, /bench/fixed), the
# scorecard and the PyTorch MLP, both with 4 reason codes, at 8 and 64 connections.
# Prints a Markdown table. Needs wrk (apt-get install wrk). Run from anywhere:
#   samples/scoring-service/bench/run.sh            # DURATION=20s WARMUP=5s PORT=18080
set -euo pipefail
cd "$(dirname "$0")/../../.."
PORT=${PORT:-18080}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
BODY=$(pwd)/samples/requests/cusco-coffee-thin-file.json
export BODY
LUA=$(pwd)/samples/scoring-service/bench/post.lua
LOG=$(mktemp -t scoring-service-bench.XXXXXX.log)
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

# wrk's connections all use the one demo API key: the per-client limit (16 by default) would
# answer most of the 64-connection rows with 429, so the benchmark lifts it.
./mvnw -B -q -o -pl samples/scoring-service -am -DskipTests package exec:java \
  -Dspring.profiles.active=demo,bench -DPORT="$PORT" \
  -Dagriscore.service.max-concurrent-per-client=1000 >"$LOG" 2>&1 &
SERVICE=$!
# `|| true`: under set -e the killed service's exit status (143) would end the trap before rm.
trap 'kill "$SERVICE" 2>/dev/null; wait "$SERVICE" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 360); do
  curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null \
  || { echo "the service did not become ready; log: $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }

# wrk's latency lines: "50%  1.23ms"; converted to ms.
ms() { awk -v p="$1" '$1 == p { v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
  f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.2f", v * f }'; }

TARGETS=("fixed body (ceiling):/bench/fixed" \
    "scorecard, 4 reasons:/v1/models/farmer-scorecard/score" \
    "PyTorch MLP, 4 reasons:/v1/models/farmer-mlp-pt/score")
# The shared stack (Tomcat, the security chain, logging) is compiled while the first row runs:
# without a first pass over every target, the ceiling, measured first, pays the JIT's warm-up
# and comes out below the scoring rows.
for target in "${TARGETS[@]}"; do
  wrk -t2 -c8 -d"${FIRST_PASS:-10s}" -s "$LUA" "http://127.0.0.1:$PORT${target#*:}" >/dev/null
done

echo "| target | connections | requests/s | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|---:|"
for target in "${TARGETS[@]}"; do
  name=${target%%:*}
  path=${target#*:}
  for c in 8 64; do
    wrk -t2 -c"$c" -d"$WARMUP" -s "$LUA" "http://127.0.0.1:$PORT$path" >/dev/null
    out=$(wrk -t2 -c"$c" -d"$DURATION" --latency -s "$LUA" "http://127.0.0.1:$PORT$path")
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
    [ -z "$errors" ] || echo "warning: $name c=$c: $errors" >&2
    echo "| $name | $c | $rps | $(ms 50% <<<"$out") | $(ms 99% <<<"$out") |"
  done
done

#!/usr/bin/env bash
# Build time of the 20-rule crate: median of five debug builds of `rules-buildtime` after
# touching its source (dependencies already built), and the size of the three-output expansion.
# Usage: bash bench/buildtime/measure.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
cargo build -q -p rules-buildtime ${FEATURES:+--features "$FEATURES"}
times=()
for _ in $(seq "$runs"); do
  touch bench/buildtime/src/lib.rs
  start=$(date +%s.%N)
  cargo build -q -p rules-buildtime ${FEATURES:+--features "$FEATURES"}
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "builds (s): $(echo "$sorted" | tr '\n' ' ')"
echo "median (s): $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")"

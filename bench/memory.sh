#!/usr/bin/env bash
# Resident memory of the release server around a flood of failed sign-ins:
# idle, right after N failed sign-ins sent P at a time, and 60 s later.
# Usage: bench/memory.sh [N] [P] [SETTLE_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-1000}
parallel=${2:-50}
settle=${3:-60}
port=${SAMMEN_BENCH_PORT:-18081}

[ -n "${SAMMEN_BENCH_NO_BUILD:-}" ] || cargo build --release -p sammen-api >/dev/null
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
export SAMMEN_DATABASE_URL=${SAMMEN_DATABASE_URL:-sqlite://$work/memory.db?mode=rwc}
export SAMMEN_STORAGE_DIR=$work/files
export RUST_LOG=warn

# The throttle would refuse most guesses before hashing; lift it so that
# every attempt really verifies a password (unknown accounts verify a dummy).
./target/release/sammen serve --demo --listen "127.0.0.1:$port" --metrics-listen 127.0.0.1:0 \
    --login-max-failures 1000000 --login-max-failures-per-address 1000000 >/dev/null &
server=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
rss() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }
sleep 1
idle=$(rss)
started=$(date +%s.%N)
seq 1 "$total" | xargs -P "$parallel" -I{} curl -s -o /dev/null \
    -H 'Content-Type: application/json' \
    -d '{"query":"mutation { login(email: \"nobody{}@example.org\", password: \"wrong password\") { token } }"}' \
    "http://127.0.0.1:$port/graphql"
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
after=$(rss)
sleep "$settle"
later=$(rss)
echo "failed sign-ins: $total, $parallel at a time, $(nproc) cores, ${elapsed}s"
echo "RSS idle:            $idle MiB"
echo "RSS after the flood: $after MiB"
echo "RSS ${settle}s later:     $later MiB"

#!/usr/bin/env bash
# Seeds a large network and measures representative queries against the
# release build, with keep-alive load from wrk (see bench/load.py).
# Usage: bench/run.sh [SCALE] [SECONDS] [CONCURRENCY] [SUITE: lists|search|all]
# Set SAMMEN_DATABASE_URL=postgres://… to measure PostgreSQL instead of SQLite
# (the database should be empty). To measure an already seeded database
# again, set SAMMEN_BENCH_SEEDED=1 with SAMMEN_DATABASE_URL and
# SAMMEN_STORAGE_DIR pointing at it.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-200}
seconds=${2:-10}
concurrency=${3:-8}
suite=${4:-all}
port=${SAMMEN_BENCH_PORT:-18080}

command -v wrk >/dev/null || { echo "bench/run.sh needs wrk (Debian: apt-get install wrk)" >&2; exit 1; }
cargo build --release -p sammen-api
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
export SAMMEN_DATABASE_URL=${SAMMEN_DATABASE_URL:-sqlite://$work/bench.db?mode=rwc}
export SAMMEN_STORAGE_DIR=${SAMMEN_STORAGE_DIR:-$work/files}
export RUST_LOG=warn

if [ -z "${SAMMEN_BENCH_SEEDED:-}" ]; then
    /usr/bin/time -f "seeded in %e s" ./target/release/sammen seed bench --scale "$scale"
    # Rebuilds the index from the tables and extracts every file's text now,
    # so the measured server does no extraction.
    ./target/release/sammen search reindex --files --wait
fi
./target/release/sammen serve --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$((port + 1))" \
    --login-max-failures 1000 &
server=$!
for _ in $(seq 1 50); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
echo "scale $scale, ${seconds}s per scenario, $concurrency concurrent clients, $(nproc) cores"
python3 bench/load.py "http://127.0.0.1:$port" --pid "$server" \
    --metrics "http://127.0.0.1:$((port + 1))/metrics" --seconds "$seconds" \
    --concurrency "$concurrency" --suite "$suite"

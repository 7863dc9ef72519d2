#!/usr/bin/env bash
# Seeds a large network and measures representative queries against the
# release build. Usage: bench/run.sh [SCALE] [SECONDS] [CONCURRENCY]
# Set SAMMEN_DATABASE_URL=postgres://… to measure PostgreSQL instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-200}
seconds=${2:-10}
concurrency=${3:-8}
port=${SAMMEN_BENCH_PORT:-18080}

cargo build --release -p sammen-api
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
export SAMMEN_DATABASE_URL=${SAMMEN_DATABASE_URL:-sqlite://$work/bench.db?mode=rwc}
export SAMMEN_STORAGE_DIR=$work/files
export RUST_LOG=warn

./target/release/sammen seed bench --scale "$scale"
./target/release/sammen serve --listen "127.0.0.1:$port" --login-max-failures 1000 &
server=$!
for _ in $(seq 1 50); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
done
echo "scale $scale, ${seconds}s per scenario, $concurrency concurrent clients, $(nproc) cores"
python3 bench/load.py "http://127.0.0.1:$port" --seconds "$seconds" --concurrency "$concurrency"

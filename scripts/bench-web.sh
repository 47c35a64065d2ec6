#!/usr/bin/env bash
# Load run of `sckb serve` on the real data: requests/s and p99 latency of the overview, the graph page and
# /api/graph (and of /graph?planned, /map and /search?q=lamp), each without a cut, with a position cut (until=N: its answer stays valid while later events arrive)
# and with a valid-time cut alone (as-of: recomputed after every import), while another process keeps importing
# new events into the store. wrk (Debian's package) on 127.0.0.1 only; twelve runs of DURATION seconds (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
SCKB=${SCKB:-.build/release/sckb}
DURATION=${DURATION:-3}
CONNECTIONS=${CONNECTIONS:-16}
CUT=${CUT:-as-of=2019-12-31&until=500}
ASOF=${ASOF:-as-of=2019-12-31}
command -v wrk >/dev/null || { echo "bench-web: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -x "$SCKB" ] || { echo "bench-web: $SCKB is missing (make release)" >&2; exit 1; }

work=$(mktemp -d /tmp/sckb-bench-web-XXXXXX)
server=""
importer=""
cleanup() {
    [ -n "$importer" ] && kill "$importer" 2>/dev/null || true
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$SCKB" import events/ --store "$work/kb" >/dev/null
"$SCKB" serve --store "$work/kb" --port 0 2>"$work/serve.err" &
server=$!
for _ in $(seq 100); do
    grep -q "http://" "$work/serve.err" 2>/dev/null && break
    sleep 0.1
done
address=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.err" | head -1)
[ -n "$address" ] || { echo "bench-web: the server did not start: $(cat "$work/serve.err")" >&2; exit 1; }

# The other process: every half second, one file of new cities (each import moves the log's head).
(
    n=0
    while true; do
        n=$((n + 1))
        file="$work/import-$n.jsonl"
        for i in 1 2 3; do
            printf '{"type":"CityRegistered","data":{"city":"bench-%d-%d","name":"Bench %d-%d","country":"DE"}}\n' \
                "$n" "$i" "$n" "$i"
        done >"$file"
        "$SCKB" import "$file" --store "$work/kb" >/dev/null
        sleep 0.5
    done
) &
importer=$!

echo "sckb serve at $address, $CONNECTIONS connections, ${DURATION} s per route, an import every 0.5 s"
printf '%-40s %12s %10s %8s\n' "route" "requests/s" "p99" "errors"
for route in "/" "/graph" "/api/graph" "/graph?planned" "/map" "/search?q=lamp" "/?$CUT" "/graph?$CUT" \
    "/api/graph?$CUT" "/?$ASOF" "/graph?$ASOF" "/api/graph?$ASOF"; do
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$address$route" 2>&1)
    rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    socket=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
    printf '%-40s %12s %10s %8s\n' "$route" "$rate" "$p99" "$(( ${non2xx:-0} + ${socket:-0} ))"
done
kill "$importer" 2>/dev/null || true
wait "$importer" 2>/dev/null || true
importer=""
echo "events at the end: $("$SCKB" stats --store "$work/kb" --format json | grep -o '"events":[0-9]*' | head -1)"

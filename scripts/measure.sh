#!/usr/bin/env bash
# Measures, on one machine in one run, the figures quoted in the project's notes: import, a profile query on a
# store of 1,000 and of 1,000,000 generated events, a graph cut at the middle of the log (checked against a store
# holding only the first half), replay and verify. Usage: scripts/measure.sh [EVENTS] [WORKDIR]
set -euo pipefail
events=${1:-1000000}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
half=$((events / 2))
root=$(cd "$(dirname "$0")/.." && pwd)
sckb=$root/.build/release/sckb
make -C "$root" release >/dev/null
cd "$work"
timed() { local label=$1; shift; /usr/bin/time -f "$label: %e s, %M KB peak" "$@"; }

"$sckb" generate --events "$events" --seed 7 > big.jsonl
"$sckb" generate --events 1000 --seed 7 > small.jsonl
rm -rf small big half
timed "import 1000" "$sckb" import small.jsonl --store small >/dev/null
timed "import $events" "$sckb" import big.jsonl --store big >/dev/null
for store in small big; do
    for run in 1 2 3; do timed "city city-3 on $store (run $run)" "$sckb" city city-3 --store $store >/dev/null; done
done
timed "graph now" "$sckb" graph --store big --format json > graph-now.json
timed "graph --until $half" "$sckb" graph --until "$half" --store big --format json > graph-cut.json
"$sckb" export --store big > before.jsonl
head -n "$half" before.jsonl | "$sckb" import - --store half >/dev/null
"$sckb" graph --store half --format json > graph-half.json
cmp -s graph-cut.json graph-half.json && echo "graph --until $half equals graph on a store of the first $half events"
timed "replay" "$sckb" replay --store big
timed "verify" "$sckb" verify --store big
"$sckb" export --store big > after.jsonl
cmp -s before.jsonl after.jsonl && echo "export byte-identical before and after replay"

#!/usr/bin/env bash
# Seeds the decoder fuzzer's corpus: every line of events/*.jsonl and of two generated logs, one file a line.
# Each seed starts with the byte that picks LineReader's chunk size (see Fuzz/FuzzDecoder/main.swift).
# Usage: Fuzz/seed.sh SCKB_BINARY CORPUS_FOLDER
set -euo pipefail
sckb=$1
corpus=$2
mkdir -p "$corpus"
if [ -n "$(ls -A "$corpus")" ]; then exit 0; fi
lines=$(mktemp)
trap 'rm -f "$lines"' EXIT
cat events/*.jsonl > "$lines"
for seed in 1 2; do "$sckb" generate --events 2000 --seed "$seed" >> "$lines"; done
python3 - "$lines" "$corpus" <<'PY'
import hashlib, sys
lines, corpus = sys.argv[1], sys.argv[2]
with open(lines, "rb") as source:
    for number, line in enumerate(source):
        unit = bytes([number % 64]) + line
        name = hashlib.sha1(unit).hexdigest()
        with open(f"{corpus}/seed-{name}", "wb") as target:
            target.write(unit)
PY
echo "seeded $(ls "$corpus" | wc -l) inputs into $corpus"

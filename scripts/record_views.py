#!/usr/bin/env python3
"""Records the JSON of every read view on the real events/ with one sckb binary, as a fixture for the test that
holds a later build to it (every key of the recorded output still there, with the same value).

    python3 scripts/record_views.py --sckb PATH/TO/sckb --out Tests/Fixtures/views-be3e66f.json
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def run(sckb, store, *arguments):
    result = subprocess.run([sckb, *arguments, "--store", store, "--format", "json"], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(arguments)}: exit {result.returncode}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sckb", required=True)
    parser.add_argument("--events", default="events")
    parser.add_argument("--out", required=True)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = os.path.join(folder, "store")
        subprocess.run([options.sckb, "import", options.events, "--store", store], check=True, capture_output=True)
        commands = [["graph"], ["graph", "--planned"], ["spread"], ["kpis"], ["obstacles"], ["cities"], ["projects"],
                    ["ccg", "members"], ["ccg", "meetings"], ["ccg", "travel"], ["spread", "--as-of", "2018-12-31"],
                    ["graph", "--planned", "--until", "400"]]
        cities = [c["city"] for c in run(options.sckb, store, "cities")["cities"]]
        projects = [p["project"] for p in run(options.sckb, store, "projects")["projects"]]
        solutions = [s["solution"] for s in run(options.sckb, store, "spread")["solutions"]]
        commands += [["city", c] for c in cities] + [["project", p] for p in projects]
        commands += [["solution", s] for s in solutions] + [["kpis", "--project", p] for p in projects]
        views = {" ".join(command): run(options.sckb, store, *command) for command in commands}
    with open(options.out, "w") as out:
        json.dump(views, out, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        out.write("\n")
    print(f"{len(views)} views recorded in {options.out}")


if __name__ == "__main__":
    main()

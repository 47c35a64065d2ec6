#!/usr/bin/env python3
"""Checks `sckb next CITY --format json` answers against the log itself, written apart from sckb (SPEC §9.1):
reads an export (JSON Lines) and a JSON object {city: answer}, and checks for each city that

- the candidates are exactly the solutions another city holds (demonstrated or adopted) and the city does not
  (`candidates_total` counts them all; a page of the answer holds some of them);
- every solution held by a lighthouse city of one of the city's projects is a candidate with reason own-project;
- a candidate with more reasons is never ranked below one with fewer, and ranks run 1, 2, 3, ...;
- every cited position is an unretracted event of the log that names the cited city (one of them) and the solution.

Exit 0 when every answer holds, else 1 with the first failure.

    python3 scripts/check_next.py export.jsonl answers.json
"""
import json
import sys
from collections import defaultdict


def main():
    events = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    answers = json.load(open(sys.argv[2], encoding="utf-8"))
    retracted = {e["data"]["position"] for e in events if e["type"] == "EventRetracted"}
    live = {e["position"]: e for e in events if e["position"] not in retracted and e["type"] != "EventRetracted"}
    holders = defaultdict(set)
    lighthouses = defaultdict(set)
    projects_of = defaultdict(set)
    for e in live.values():
        d = e["data"]
        if e["type"] in ("DemonstrationReported", "SolutionReplicated"):
            holders[d["solution"]].add(d["city"])
        elif e["type"] == "CityJoinedProject":
            projects_of[d["city"]].add(d["project"])
            if d["role"] == "lighthouse":
                lighthouses[d["project"]].add(d["city"])
    checked = 0
    for city, answer in answers.items():
        def fail(message):
            sys.exit(f"next {city}: {message}")
        candidates = {c["solution"]: c for c in answer["candidates"]}
        expected = {s for s, cities in holders.items() if city not in cities and cities - {city}}
        total = answer.get("candidates_total", len(candidates))
        if total != len(expected):
            fail(f"candidates_total is {total}, not {len(expected)}")
        if set(candidates) - expected or (len(candidates) == total and set(candidates) != expected):
            fail(f"candidates differ: extra {sorted(set(candidates) - expected)}, missing {sorted(expected - set(candidates))}")
        own = set()
        for project in projects_of[city]:
            for lighthouse in lighthouses[project]:
                own |= {s for s, cities in holders.items() if lighthouse in cities and city not in cities}
        for solution in own & set(candidates):
            if "own-project" not in [r["reason"] for r in candidates[solution]["reasons"]]:
                fail(f"{solution} lacks own-project")
        ranked = sorted(answer["candidates"], key=lambda c: c["rank"])
        first = ranked[0]["rank"] if ranked else 1
        if [c["rank"] for c in ranked] != list(range(first, first + len(ranked))):
            fail("ranks do not run on by one")
        for better, worse in zip(ranked, ranked[1:]):
            if len(better["reasons"]) < len(worse["reasons"]):
                fail(f"{better['solution']} ranked above {worse['solution']} with fewer reasons")
        for candidate in ranked:
            for reason in candidate["reasons"]:
                for position in reason["positions"]:
                    event = live.get(position)
                    if event is None:
                        fail(f"{candidate['solution']} {reason['reason']} cites position {position}, not a live event")
                    d = event["data"]
                    if d.get("solution") != candidate["solution"] or d.get("city") not in reason["cities"]:
                        fail(f"{candidate['solution']} {reason['reason']} cites position {position}, which names "
                             f"{d.get('city')} and {d.get('solution')}")
                    checked += 1
    print(f"{len(answers)} cities, {checked} cited positions checked")


if __name__ == "__main__":
    main()

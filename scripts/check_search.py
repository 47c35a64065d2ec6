#!/usr/bin/env python3
"""An implementation of `sckb search` written apart from sckb (SPEC §8.1), for the tests: reads an export (JSON
Lines) and a query, prints {"results":[...]} as sckb should.

    sckb export | python3 scripts/check_search.py koln
"""
import json
import sys
import unicodedata

BASES = {"ł": "l", "ø": "o", "ı": "i", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"}
KINDS = ["city", "project", "solution", "demonstration", "obstacle"]


def fold(text):
    kept = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.category(c).startswith("M"))
    return "".join(BASES.get(c, c) for c in kept.lower())


def rank(needle, haystack):
    if haystack == needle:
        return 0
    best = None
    start = haystack.find(needle)
    while start != -1:
        if start == 0 or not haystack[start - 1].isalnum():
            return 1
        best = 2
        start = haystack.find(needle, start + 1)
    return best


def main():
    query = sys.argv[1]
    events = [json.loads(line) for line in sys.stdin if line.strip()]
    retracted = {e["data"]["position"] for e in events if e["type"] == "EventRetracted"}
    live = [e for e in events if e["position"] not in retracted and e["type"] != "EventRetracted"]
    names = {}
    things = []
    for e in live:
        d = e["data"]
        kind = {"CityRegistered": "city", "ProjectRegistered": "project", "SolutionCatalogued": "solution"}.get(e["type"])
        if kind:
            names[(kind, d[kind])] = d["name"]
            things.append((kind, d[kind], d["name"], [("name", d["name"]), ("id", d[kind])]))
    for e in live:
        d = e["data"]
        if e["type"] == "DemonstrationReported":
            name = f'{names[("solution", d["solution"])]} in {names[("city", d["city"])]}'
            things.append(("demonstration", d["demonstration"], name, [("name", name), ("id", d["demonstration"])]))
        elif e["type"] == "ObstacleReported":
            things.append(("obstacle", d["obstacle"], d["text"], [("text", d["text"]), ("id", d["obstacle"])]))
    needle = fold(query.strip())
    found = []
    for kind, ident, name, fields in things:
        best = None
        for field, text in fields:
            r = rank(needle, fold(text))
            if r is not None and (best is None or r < best[0]):
                best = (r, field, text)
        if best:
            found.append((KINDS.index(kind), best[0], ident, {"kind": kind, "id": ident, "name": name,
                                                             "match": best[2], "field": best[1]}))
    found.sort(key=lambda item: (item[0], item[1], item[2]))
    print(json.dumps({"results": [item[3] for item in found]}, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Turn the seed data (data/*.csv) into the sckb event log (events/*.jsonl).

Usage: python3 scripts/make_events.py [--data DIR] [--out DIR]

Python 3.11, standard library only, deterministic: the same CSV files always
give byte-identical JSON Lines files. Defaults are the repository's data/ and
events/ folders (wherever the command is run from).

Only rows marked confirmed=yes become events, except projects: all of them are
registered, and the fields the data README names as unconfirmed are left out.
Every choice of date is documented in docs/DATA.md and in the tables below.
The script replays the produced events against the rules of SPEC section 4
(in file name order, as `sckb import events/` does) and checks that no event
is dated before an event it refers to; any breach stops it with a message
naming the event, and no file is written.

Output: one summary line per file on stderr, nothing else.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

ACTOR = "seed-data"
# "Today" for deciding which project ends are in the past. Fixed, not read
# from the clock, so that the output does not depend on the day it is run.
TODAY = "2026-11-22"

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
YEAR = re.compile(r"\d{4}")
COUNTRY = re.compile(r"[A-Z]{2}")
URL = re.compile(r"https?://\S+")

AREAS = ("mobility-logistics", "buildings", "urban-data-ict",
         "citizen-engagement", "urban-governance")
ROLES = ("lighthouse", "fellow")
FUNDINGS = ("action-grant", "scale-grant", "project", "own", "other")
STATUSES = ("planned", "done")
KPIS = ("energy_saved_pct", "co2_reduced_pct", "smart_meters", "floor_area_m2",
        "e_vehicles", "charging_stations", "citizens_engaged")

HEADERS = {
    "projects.csv": ["id", "acronym", "name", "call", "start", "end", "grant",
                     "eu_contribution_eur", "source", "confirmed"],
    "cities.csv": ["id", "name", "country", "source", "confirmed"],
    "roles.csv": ["project", "city", "role", "source", "confirmed"],
    "demonstrations.csv": ["project", "city", "solution", "solution_name", "area",
                           "description", "source", "confirmed"],
    "replications.csv": ["solution", "from_city", "to_city", "project", "status",
                         "year", "funding", "source", "confirmed"],
    "impacts.csv": ["scope", "kpi", "value", "source", "confirmed"],
}

# Data fields of each event type (SPEC section 4), in the order written;
# the bool says whether the field is required.
CATALOGUE = {
    "ProjectRegistered": [("project", True), ("name", True), ("call", False),
                          ("start", False), ("end", False)],
    "ProjectEnded": [("project", True)],
    "CityRegistered": [("city", True), ("name", True), ("country", True)],
    "CityJoinedProject": [("city", True), ("project", True), ("role", True)],
    "SolutionCatalogued": [("solution", True), ("name", True), ("area", True)],
    "DemonstrationReported": [("demonstration", True), ("solution", True),
                              ("city", True), ("project", False)],
    "ReplicationPlanned": [("solution", True), ("city", True), ("from", True),
                           ("project", False)],
    "SolutionReplicated": [("solution", True), ("city", True), ("from", True),
                           ("project", False), ("funding", False)],
}

# ---------------------------------------------------------------------------
# Decisions taken from the data README (data/README.md, "How confident").
# ---------------------------------------------------------------------------

# Project rows marked confirmed=no: the columns the README names as
# unconfirmed. Those values are left out (grant has no field in the event
# anyway). A title left out is replaced by the project's acronym, since the
# event needs a name.
UNCONFIRMED_PROJECT_FIELDS = {
    "growsmarter": {"grant"},                    # 646456 from knowledge
    "smarter-together": {"start"},               # 2016-02-01 from knowledge
    "stardust": {"grant"},                       # 774094 from knowledge
    "atelier": {"grant", "start", "name"},       # grant, start and title from knowledge
    "response": {"start", "end"},                # inferred from "60-month project"
}

# Registration date of a project whose start is left out: the earliest date
# the stored sources (as the README reports them) confirm it running.
PROJECT_DATE_WITHOUT_START = {
    "smarter-together": "2016-03-03",  # launch event 3-4 March 2016
    "atelier": "2019-01-01",           # "launched in 2019": the year's first day
    "response": "2020-01-01",          # "duration 2020-2025": the year's first day
}

# Demonstrations whose row states the day of the demonstration itself; the
# others are dated at their project's start (own demonstrations, without a
# project, at their source's publication date).
DEMONSTRATION_DATES = {
    # "Võru City Council adopted its Bold City Vision ... on 19 January 2022."
    ("cityxchange", "voru", "bold-city-vision"): "2022-01-19",
}

# Replications whose date the README gives more precisely than the row's
# year (for `done`: when implemented; for `planned`: when the plan was made,
# the row's year being when implementation was to start). Others: the first
# day of the row's year.
REPLICATION_DATES = {
    # Publication date of the cited article (2017/09/09 in its URL), which is
    # also the date of Barcelona's own demonstration it reports.
    ("urban-data-platform", "barcelona", "sabadell", "done"): "2017-09-09",
    # Prague 7 Smart Home Care pilot, 14.08.2019-31.12.2019.
    ("telecare-video-communication", "stavanger", "prague", "done"): "2019-08-14",
    # Strand received its Blink units in June 2021: the month's first day.
    ("telecare-video-communication", "stavanger", "strand", "done"): "2021-06-01",
    # Commitment signed by Sabadell and Eindhoven on 14 November 2017.
    ("smart-lamppost", "eindhoven", "sabadell", "planned"): "2017-11-14",
    ("smart-parking", "eindhoven", "sabadell", "planned"): "2017-11-14",
    ("interactive-information-panel", "eindhoven", "sabadell", "planned"): "2017-11-14",
}

# Generic solution names: the slug's words in sentence case, with the
# spellings below for abbreviations and compound words, and whole-name
# exceptions where the words alone read wrongly.
NAME_WORDS = {"ev": "EV", "pv": "PV", "passivhaus": "Passivhaus"}
NAME_COMPOUNDS = (("e", "bike"), ("second", "life"), ("demand", "side"),
                  ("vehicle", "to", "grid"))
NAME_EXCEPTIONS = {"solar-pv-battery": "Solar PV and battery storage"}


class DataError(Exception):
    """The data breaks a rule: stop without writing anything."""


def fail(message: str) -> None:
    raise DataError(message)


# ---------------------------------------------------------------------------
# Reading and checking the CSV files
# ---------------------------------------------------------------------------

def read_csv(folder: Path, name: str) -> list[dict]:
    path = folder / name
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        fail(f"{path}: cannot read: {error}")
    if not rows or rows[0] != HEADERS[name]:
        fail(f"{path}:1: header is {rows[0] if rows else 'missing'}, "
             f"expected {HEADERS[name]}")
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(HEADERS[name]):
            fail(f"{path}:{number}: {len(row)} fields, expected {len(HEADERS[name])}")
        record = dict(zip(HEADERS[name], row))
        for key, value in record.items():
            if value != value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value):
                fail(f"{path}:{number}: {key} has surrounding blanks or control characters")
        if record["confirmed"] not in ("yes", "no"):
            fail(f"{path}:{number}: confirmed must be yes or no, not {record['confirmed']!r}")
        if not URL.fullmatch(record["source"]):
            fail(f"{path}:{number}: source is not a URL: {record['source']!r}")
        record["_where"] = f"{name}:{number}"
        out.append(record)
    return out


def check_slug(value: str, what: str, where: str) -> None:
    if not SLUG.fullmatch(value) or len(value) > 64:
        fail(f"{where}: {what} {value!r} is not a slug of at most 64 characters")


def check_name(value: str, what: str, where: str) -> None:
    if not value or len(value) > 200:
        fail(f"{where}: {what} must have 1 to 200 characters, has {len(value)}")


def check_date(value: str, what: str, where: str) -> None:
    try:
        if not DATE.fullmatch(value):
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{where}: {what} {value!r} is not a date YYYY-MM-DD")


def unique(rows: list[dict], key, what: str) -> None:
    seen = {}
    for row in rows:
        k = key(row)
        if k in seen:
            fail(f"{row['_where']}: duplicate {what} {k} (first at {seen[k]})")
        seen[k] = row["_where"]


def solution_name(slug: str) -> str:
    if slug in NAME_EXCEPTIONS:
        return NAME_EXCEPTIONS[slug]
    words = slug.split("-")
    out = []
    i = 0
    while i < len(words):
        for compound in NAME_COMPOUNDS:
            if tuple(words[i:i + len(compound)]) == compound:
                out.append("-".join(compound))
                i += len(compound)
                break
        else:
            out.append(NAME_WORDS.get(words[i], words[i]))
            i += 1
    text = " ".join(out)
    return text[:1].upper() + text[1:]


def publication_date(url: str) -> str | None:
    match = re.search(r"/(\d{4})/(\d{2})/(\d{2})/", url)
    return "-".join(match.groups()) if match else None


# ---------------------------------------------------------------------------
# Building the events
# ---------------------------------------------------------------------------

def event(eid: str, etype: str, at: str, source: str, data: dict) -> dict:
    ordered = {}
    for field, _ in CATALOGUE[etype]:
        if field in data:
            ordered[field] = data[field]
    extra = set(data) - set(ordered)
    if extra:
        fail(f"event {eid}: fields {sorted(extra)} are not in {etype}")
    return {"id": eid, "type": etype, "at": at, "actor": ACTOR,
            "source": source, "data": ordered}


def build(folder: Path):
    projects = read_csv(folder, "projects.csv")
    cities = read_csv(folder, "cities.csv")
    roles = read_csv(folder, "roles.csv")
    demos = read_csv(folder, "demonstrations.csv")
    repls = read_csv(folder, "replications.csv")
    impacts = read_csv(folder, "impacts.csv")

    # -- field checks ------------------------------------------------------
    for p in projects:
        w = p["_where"]
        check_slug(p["id"], "project id", w)
        check_name(p["name"], "project name", w)
        check_name(p["acronym"], "project acronym", w)
        for f in ("start", "end"):
            if p[f]:
                check_date(p[f], f, w)
        if p["start"] and p["end"] and not p["start"] < p["end"]:
            fail(f"{w}: start {p['start']} is not before end {p['end']}")
        if p["grant"] and not re.fullmatch(r"\d{6}", p["grant"]):
            fail(f"{w}: grant {p['grant']!r} is not six digits")
        unconfirmed = UNCONFIRMED_PROJECT_FIELDS.get(p["id"])
        if p["confirmed"] == "no" and unconfirmed is None:
            fail(f"{w}: project {p['id']} is unconfirmed but the script does not "
                 "know which of its fields are (see UNCONFIRMED_PROJECT_FIELDS)")
        if p["confirmed"] == "yes" and unconfirmed is not None:
            fail(f"{w}: project {p['id']} is confirmed but listed in "
                 "UNCONFIRMED_PROJECT_FIELDS")
    unique(projects, lambda r: r["id"], "project id")
    unique([p for p in projects if p["grant"]], lambda r: r["grant"], "grant")
    for c in cities:
        w = c["_where"]
        check_slug(c["id"], "city id", w)
        check_name(c["name"], "city name", w)
        if not COUNTRY.fullmatch(c["country"]) or c["country"] in ("UK", "EL"):
            fail(f"{w}: country {c['country']!r} is not an ISO 3166-1 alpha-2 code")
    unique(cities, lambda r: r["id"], "city id")
    project_ids = {p["id"] for p in projects}
    city_ids = {c["id"] for c in cities}
    for r in roles:
        w = r["_where"]
        if r["project"] not in project_ids:
            fail(f"{w}: unknown project {r['project']!r}")
        if r["city"] not in city_ids:
            fail(f"{w}: unknown city {r['city']!r}")
        if r["role"] not in ROLES:
            fail(f"{w}: role {r['role']!r} is not one of {ROLES}")
    unique(roles, lambda r: (r["project"], r["city"]), "role")
    area_of: dict[str, tuple[str, str]] = {}
    for d in demos:
        w = d["_where"]
        if d["project"] and d["project"] not in project_ids:
            fail(f"{w}: unknown project {d['project']!r}")
        if d["city"] not in city_ids:
            fail(f"{w}: unknown city {d['city']!r}")
        check_slug(d["solution"], "solution", w)
        if d["area"] not in AREAS:
            fail(f"{w}: area {d['area']!r} is not one of {AREAS}")
        known = area_of.setdefault(d["solution"], (d["area"], w))
        if known[0] != d["area"]:
            fail(f"{w}: solution {d['solution']} has area {d['area']}, "
                 f"but {known[0]} at {known[1]}")
    unique(demos, lambda r: (r["project"], r["city"], r["solution"]), "demonstration")
    for r in repls:
        w = r["_where"]
        check_slug(r["solution"], "solution", w)
        for f in ("from_city", "to_city"):
            if r[f] not in city_ids:
                fail(f"{w}: unknown {f} {r[f]!r}")
        if r["project"] and r["project"] not in project_ids:
            fail(f"{w}: unknown project {r['project']!r}")
        if r["status"] not in STATUSES:
            fail(f"{w}: status {r['status']!r} is not one of {STATUSES}")
        if r["funding"] and r["funding"] not in FUNDINGS:
            fail(f"{w}: funding {r['funding']!r} is not one of {FUNDINGS}")
        if r["year"] and not YEAR.fullmatch(r["year"]):
            fail(f"{w}: year {r['year']!r} is not a year")
    unique(repls, lambda r: (r["solution"], r["from_city"], r["to_city"], r["status"]),
           "replication")
    for i in impacts:
        if i["kpi"] not in KPIS:
            fail(f"{i['_where']}: kpi {i['kpi']!r} is not one of {KPIS}")
        if not re.fullmatch(r"\d+(\.\d{1,2})?", i["value"]) or (
                i["kpi"].endswith("_pct") and float(i["value"]) > 100):
            fail(f"{i['_where']}: value {i['value']!r} is not a number >= 0 "
                 "(a percentage <= 100)")
        if i["scope"] != "scalable-cities" and i["scope"] not in project_ids:
            fail(f"{i['_where']}: unknown scope {i['scope']!r}")

    stats = {}  # file name -> (rows, left-out rows, left-out fields)

    # -- 01 projects -------------------------------------------------------
    project_at = {}
    project_events, end_events = [], []
    fields_out = 0
    for p in projects:
        left = UNCONFIRMED_PROJECT_FIELDS.get(p["id"], set())
        fields_out += len(left & {"start", "end", "name"})
        data = {"project": p["id"],
                "name": p["acronym"] if "name" in left else p["name"]}
        if p["call"]:
            data["call"] = p["call"]
        start = "" if "start" in left else p["start"]
        end = "" if "end" in left else p["end"]
        if start:
            data["start"] = start
        if end:
            data["end"] = end
        at = start or PROJECT_DATE_WITHOUT_START.get(p["id"])
        if not at:
            fail(f"{p['_where']}: project {p['id']} has no confirmed start and no "
                 "date in PROJECT_DATE_WITHOUT_START")
        project_at[p["id"]] = at
        project_events.append(event(f"project-{p['id']}", "ProjectRegistered", at,
                                    p["source"], data))
        if end and end < TODAY:
            end_events.append(event(f"project-end-{p['id']}", "ProjectEnded", end,
                                    p["source"], {"project": p["id"]}))
    stats["01"] = (f"{len(projects)} rows, 0 left out, {fields_out} unconfirmed "
                   "start/end/title values left out")
    stats["07"] = (f"{len(projects)} project rows, {len(projects) - len(end_events)} "
                   "without a confirmed end in the past")

    # -- 03 roles ----------------------------------------------------------
    confirmed_cities = {c["id"] for c in cities if c["confirmed"] == "yes"}
    role_events = []
    member = set()
    for r in roles:
        if r["confirmed"] != "yes":
            continue
        if r["city"] not in confirmed_cities:
            fail(f"{r['_where']}: city {r['city']} of a confirmed role is unconfirmed")
        member.add((r["city"], r["project"]))
        role_events.append(event(f"role-{r['project']}-{r['city']}", "CityJoinedProject",
                                 project_at[r["project"]], r["source"],
                                 {"city": r["city"], "project": r["project"],
                                  "role": r["role"]}))
    stats["03"] = f"{len(roles)} rows, {len(roles) - len(role_events)} unconfirmed left out"

    # -- 05 demonstrations ---------------------------------------------------
    demo_events = []
    shown = defaultdict(list)  # (solution, city) -> demonstration dates
    for d in demos:
        if d["confirmed"] != "yes":
            continue
        w = d["_where"]
        if d["city"] not in confirmed_cities:
            fail(f"{w}: city {d['city']} of a confirmed demonstration is unconfirmed")
        key = (d["project"], d["city"], d["solution"])
        if d["project"]:
            if (d["city"], d["project"]) not in member:
                fail(f"{w}: {d['city']} is not in project {d['project']}")
            at = DEMONSTRATION_DATES.get(key, project_at[d["project"]])
            demo_id = f"{d['project']}-{d['city']}-{d['solution']}"
        else:
            at = DEMONSTRATION_DATES.get(key) or publication_date(d["source"])
            if not at:
                fail(f"{w}: a demonstration without a project needs a date: "
                     "none in DEMONSTRATION_DATES nor in its source URL")
            demo_id = f"{d['city']}-{d['solution']}"
        check_slug(demo_id, "demonstration id", w)
        data = {"demonstration": demo_id, "solution": d["solution"], "city": d["city"]}
        if d["project"]:
            data["project"] = d["project"]
        demo_events.append(event(f"demo-{demo_id}", "DemonstrationReported", at,
                                 d["source"], data))
        shown[(d["solution"], d["city"])].append(at)
    stats["05"] = f"{len(demos)} rows, {len(demos) - len(demo_events)} unconfirmed left out"

    # -- 06 replications ----------------------------------------------------
    repl_events = []
    dropped_fields = 0
    left_out = []
    adopted = set()
    # done rows can enable later ones (adoption into `from`): handle in date order
    candidates = []
    for r in repls:
        if r["confirmed"] != "yes":
            left_out.append((r, "unconfirmed"))
            continue
        key = (r["solution"], r["from_city"], r["to_city"], r["status"])
        at = REPLICATION_DATES.get(key) or (f"{r['year']}-01-01" if r["year"] else None)
        if not at:
            fail(f"{r['_where']}: replication without a year or a date in REPLICATION_DATES")
        candidates.append((at, 0 if r["status"] == "planned" else 1, r["_where"], r))
    for at, _, _, r in sorted(candidates, key=lambda c: c[:3]):
        w = r["_where"]
        sol, src, dst = r["solution"], r["from_city"], r["to_city"]
        if (sol, src) not in shown and (sol, src) not in adopted:
            left_out.append((r, "no demonstration of the solution in the from-city"))
            continue
        for c in (src, dst):
            if c not in confirmed_cities:
                fail(f"{w}: city {c} of a confirmed replication is unconfirmed")
        data = {"solution": sol, "city": dst, "from": src}
        if r["project"]:
            data["project"] = r["project"]
        if r["status"] == "planned":
            if r["funding"]:
                dropped_fields += 1  # ReplicationPlanned has no funding field
            repl_events.append(event(f"plan-{sol}-{src}-{dst}", "ReplicationPlanned",
                                     at, r["source"], data))
        else:
            if r["funding"]:
                data["funding"] = r["funding"]
            repl_events.append(event(f"replication-{sol}-{src}-{dst}",
                                     "SolutionReplicated", at, r["source"], data))
            adopted.add((sol, dst))
    unconfirmed = sum(1 for _, why in left_out if why == "unconfirmed")
    stats["06"] = (f"{len(repls)} rows, {unconfirmed} unconfirmed and "
                   f"{len(left_out) - unconfirmed} without an origin demonstration left out, "
                   f"{dropped_fields} funding value(s) of plans left out")

    # -- 04 solutions: one per slug used, dated at its earliest use -----------
    uses = defaultdict(list)
    for e in demo_events + repl_events:
        uses[e["data"]["solution"]].append((e["at"], e["id"], e["source"]))
    solution_events = []
    for slug in sorted(uses):
        if slug not in area_of:
            fail(f"solution {slug} is used but no demonstration row gives its area")
        at, _, source = min(uses[slug])
        name = solution_name(slug)
        check_name(name, "solution name", f"solution {slug}")
        solution_events.append(event(f"solution-{slug}", "SolutionCatalogued", at, source,
                                     {"solution": slug, "name": name,
                                      "area": area_of[slug][0]}))
    all_slugs = {d["solution"] for d in demos} | {r["solution"] for r in repls}
    stats["04"] = (f"{len(all_slugs)} solution slugs in the data, "
                   f"{len(all_slugs) - len(uses)} used by no recorded event left out")

    # -- 02 cities: every confirmed city, dated at its earliest use ------------
    city_uses = defaultdict(list)
    for e in role_events + demo_events:
        city_uses[e["data"]["city"]].append(e["at"])
    for e in repl_events:
        city_uses[e["data"]["city"]].append(e["at"])
        city_uses[e["data"]["from"]].append(e["at"])
    city_events = []
    for c in cities:
        if c["confirmed"] != "yes":
            continue
        if c["id"] not in city_uses:
            fail(f"{c['_where']}: city {c['id']} is named by no event: "
                 "no date for its registration")
        city_events.append(event(f"city-{c['id']}", "CityRegistered",
                                 min(city_uses[c["id"]]), c["source"],
                                 {"city": c["id"], "name": c["name"],
                                  "country": c["country"]}))
    stats["02"] = f"{len(cities)} rows, {len(cities) - len(city_events)} unconfirmed left out"

    def by_date(events):
        return sorted(events, key=lambda e: (e["at"], e["id"]))

    files = {
        "01-projects.jsonl": by_date(project_events),
        "02-cities.jsonl": by_date(city_events),
        "03-roles.jsonl": by_date(role_events),
        "04-solutions.jsonl": by_date(solution_events),
        "05-demonstrations.jsonl": by_date(demo_events),
        # already in date order, plans before done ones of the same date
        "06-replications.jsonl": repl_events,
        "07-project-ends.jsonl": by_date(end_events),
    }
    return files, stats, left_out


# ---------------------------------------------------------------------------
# Replaying the events against SPEC section 4
# ---------------------------------------------------------------------------

def verify(files: dict) -> None:
    seen_ids = {}
    at_of = {}
    projects, ended, cities, solutions, demos = {}, {}, {}, {}, set()
    joined = {}            # (city, project) -> event id
    has = {}               # (solution, city) -> [event ids: demonstrations, adoptions]
    open_plans = {}        # (solution, city, from) -> event id
    in_project = {}        # project -> ids of its joins and demonstrations

    for name, events in files.items():
        for line, e in enumerate(events, start=1):
            where = f"{name}:{line} ({e['id']})"
            if list(e) != ["id", "type", "at", "actor", "source", "data"]:
                fail(f"{where}: keys {list(e)}")
            if len(e["id"]) > 128 or not e["id"]:
                fail(f"{where}: id longer than 128 characters")
            if e["id"] in seen_ids:
                fail(f"{where}: id already used at {seen_ids[e['id']]}")
            seen_ids[e["id"]] = where
            check_date(e["at"], "at", where)
            if e["at"] > TODAY:
                fail(f"{where}: at {e['at']} is in the future")
            if e["actor"] != ACTOR or not URL.fullmatch(e["source"]):
                fail(f"{where}: bad actor or source")
            spec = CATALOGUE.get(e["type"])
            if spec is None:
                fail(f"{where}: unknown type {e['type']}")
            d = e["data"]
            allowed = [f for f, _ in spec]
            if [f for f in d if f not in allowed]:
                fail(f"{where}: unknown fields {[f for f in d if f not in allowed]}")
            for f, required in spec:
                if required and f not in d:
                    fail(f"{where}: missing field {f}")
                if f in d and (not isinstance(d[f], str) or not d[f]):
                    fail(f"{where}: field {f} must be a non-empty string")
            for f in ("project", "city", "solution", "from", "demonstration"):
                if f in d:
                    check_slug(d[f], f, where)
            if "name" in d:
                check_name(d["name"], "name", where)
            for f in ("start", "end"):
                if f in d:
                    check_date(d[f], f, where)
            refs = []  # events this one depends on

            def need(registry, key, what):
                if key not in registry:
                    fail(f"{where}: {what} {key} is not registered by an earlier event")
                refs.append(registry[key])

            t = e["type"]
            if t == "ProjectRegistered":
                if d["project"] in projects:
                    fail(f"{where}: project {d['project']} already registered")
                if "start" in d and "end" in d and not d["start"] < d["end"]:
                    fail(f"{where}: start is not before end")
                projects[d["project"]] = e["id"]
            elif t == "ProjectEnded":
                need(projects, d["project"], "project")
                if d["project"] in ended:
                    fail(f"{where}: project {d['project']} already ended")
                ended[d["project"]] = e["id"]
                # sanity: no join or demonstration of the project after its end
                for other in in_project.get(d["project"], []):
                    if at_of[other] > e["at"]:
                        fail(f"{where}: ends before {other} ({at_of[other]})")
            elif t == "CityRegistered":
                if d["city"] in cities:
                    fail(f"{where}: city {d['city']} already registered")
                if not COUNTRY.fullmatch(d["country"]):
                    fail(f"{where}: country {d['country']!r}")
                cities[d["city"]] = e["id"]
            elif t == "CityJoinedProject":
                need(cities, d["city"], "city")
                need(projects, d["project"], "project")
                if (d["city"], d["project"]) in joined:
                    fail(f"{where}: {d['city']} is already in {d['project']}")
                if d["project"] in ended:
                    fail(f"{where}: project {d['project']} has ended")
                if d["role"] not in ROLES:
                    fail(f"{where}: role {d['role']!r}")
                joined[(d["city"], d["project"])] = e["id"]
                in_project.setdefault(d["project"], []).append(e["id"])
            elif t == "SolutionCatalogued":
                if d["solution"] in solutions:
                    fail(f"{where}: solution {d['solution']} already catalogued")
                if d["area"] not in AREAS:
                    fail(f"{where}: area {d['area']!r}")
                solutions[d["solution"]] = e["id"]
            elif t == "DemonstrationReported":
                if d["demonstration"] in demos:
                    fail(f"{where}: demonstration {d['demonstration']} already reported")
                need(solutions, d["solution"], "solution")
                need(cities, d["city"], "city")
                if "project" in d:
                    need(projects, d["project"], "project")
                    need(joined, (d["city"], d["project"]),
                         "membership of city and project")
                    in_project.setdefault(d["project"], []).append(e["id"])
                demos.add(d["demonstration"])
                has.setdefault((d["solution"], d["city"]), []).append(e["id"])
            elif t in ("ReplicationPlanned", "SolutionReplicated"):
                need(solutions, d["solution"], "solution")
                need(cities, d["city"], "city")
                need(cities, d["from"], "city")
                if "project" in d:
                    need(projects, d["project"], "project")
                origin = has.get((d["solution"], d["from"]))
                if not origin:
                    fail(f"{where}: {d['from']} has neither demonstrated nor adopted "
                         f"{d['solution']}")
                # the earliest demonstration or adoption is the one relied on
                refs.append(min(origin, key=lambda i: (at_of[i], i)))
                if d["city"] == d["from"]:
                    fail(f"{where}: city and from are the same")
                if has.get((d["solution"], d["city"])):
                    fail(f"{where}: {d['city']} has already demonstrated or adopted "
                         f"{d['solution']}")
                if t == "ReplicationPlanned":
                    key = (d["solution"], d["city"], d["from"])
                    if key in open_plans:
                        fail(f"{where}: {d['city']} already has an open plan for "
                             f"{d['solution']} from {d['from']}")
                    open_plans[key] = e["id"]
                else:
                    if "funding" in d and d["funding"] not in FUNDINGS:
                        fail(f"{where}: funding {d['funding']!r}")
                    for key in [k for k in open_plans
                                if k[0] == d["solution"] and k[1] == d["city"]]:
                        refs.append(open_plans.pop(key))  # closed (or fulfilled)
                    has.setdefault((d["solution"], d["city"]), []).append(e["id"])
            for ref in refs:
                if at_of[ref] > e["at"]:
                    fail(f"{where}: dated {e['at']}, before {ref} ({at_of[ref]}) "
                         "that it refers to")
            at_of[e["id"]] = e["at"]


# ---------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(
        description="Write the sckb seed event log (JSON Lines) from data/*.csv.")
    parser.add_argument("--data", type=Path, default=root / "data",
                        help="folder with the CSV files (default: the repository's data/)")
    parser.add_argument("--out", type=Path, default=root / "events",
                        help="folder for the *.jsonl files (default: the repository's events/)")
    args = parser.parse_args(argv)
    try:
        files, stats, _ = build(args.data)
        verify(files)
    except DataError as error:
        print(f"make_events: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, events in files.items():
        text = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n"
                       for e in events)
        path = args.out / name
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
        counts = defaultdict(int)
        for e in events:
            counts[e["type"]] += 1
        kinds = ", ".join(f"{n} {t}" for t, n in sorted(counts.items())) or "no events"
        print(f"{os.path.relpath(path)}: {kinds} (data: {stats[name[:2]]})",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

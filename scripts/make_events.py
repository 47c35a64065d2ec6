#!/usr/bin/env python3
"""Turn the seed data (data/*.csv) into the sckb event log (events/*.jsonl).

Usage: python3 scripts/make_events.py [--data DIR] [--out DIR]

Python 3.11, standard library only, deterministic: the same CSV files always
give byte-identical JSON Lines files. Defaults are the repository's data/ and
events/ folders (wherever the command is run from).

Only rows marked confirmed=yes become events, except projects: all of them are
registered, and the fields the data README names as unconfirmed are left out.
Every choice of date is documented in docs/DATA.md and in the tables below.

The script checks the rules of SPEC section 4 itself: it replays the events in
file name order (as `sckb import events/` does). A confirmed row whose event
the rules would refuse (a replication whose origin never demonstrated the
solution, a second adoption by the same city, an event dated before one it
refers to, ...) is left out and reported on stderr, one line per row, naming
the CSV file and line and the reason. A file that cannot be read, a value that
breaks the documented format, or a breach in the events the script makes
itself (registrations, roles, ends) stops it with one message, and no file is
written.

Output on stderr: one line per refused row, then one summary line per CSV file
(rows, unconfirmed rows left out, refused rows) and one per events file.
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
# "Today" for deciding which project ends are in the past, and the date of a
# record the sources give no date for (the day the data set is taken as
# known). Fixed, not read from the clock, so that the output does not depend
# on the day it is run.
TODAY = "2026-11-22"

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
YEAR = re.compile(r"\d{4}")
COUNTRY = re.compile(r"[A-Z]{2}")
URL = re.compile(r"https?://\S+")
INTEGER = re.compile(r"0|[1-9]\d*")

AREAS = ("mobility-logistics", "buildings", "urban-data-ict",
         "citizen-engagement", "urban-governance")
ROLES = ("lighthouse", "fellow")
FUNDINGS = ("action-grant", "scale-grant", "project", "own", "other")
STATUSES = ("planned", "done")
KPIS = ("energy_saved_pct", "co2_reduced_pct", "smart_meters", "floor_area_m2",
        "e_vehicles", "charging_stations", "citizens_engaged")
CATEGORIES = ("legislative", "procurement", "financial", "technical",
              "data-privacy", "organisational", "social")
COMMUNITY = "scalable-cities"  # the impacts.csv scope of the whole community
MAX_TEXT = 500                 # ObstacleReported text, ObstacleOvercome how (scalars)

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
    "obstacles.csv": ["obstacle", "project", "city", "solution", "category", "text",
                      "overcome_by", "source", "confirmed"],
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
    "ImpactReported": [("demonstration", True), ("kpi", True), ("value", True)],
    "ReplicationPlanned": [("solution", True), ("city", True), ("from", False),
                           ("project", False)],
    "SolutionReplicated": [("solution", True), ("city", True), ("from", False),
                           ("project", False), ("funding", False)],
    "ObstacleReported": [("obstacle", True), ("category", True), ("text", True),
                         ("solution", False), ("city", False), ("project", False)],
    "ObstacleOvercome": [("obstacle", True), ("how", True)],
    "ImpactPublished": [("kpi", True), ("value", True), ("project", False),
                        ("city", False)],
    "CityLocated": [("city", True), ("lat", True), ("lon", True)],
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
# project, at their source's publication date; a demonstration in a city that
# took the solution over by a replication row, at that replication).
DEMONSTRATION_DATES: dict[tuple[str, str, str], str] = {}

# Replications and plans whose date the README gives more precisely than the
# row's year (for `done`: when implemented; for `planned`: when the plan was
# made, the row's year being when implementation was to start). Keys:
# (solution, from_city, to_city, status), from_city empty for a project
# origin. Others: the first day of the row's year; rows without a year are
# dated when the record is known (see known_by).
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
    # Võru City Council adopted its Bold City Vision on 19 January 2022.
    ("bold-city-vision", "limerick", "voru", "done"): "2022-01-19",
    ("bold-city-vision", "trondheim", "voru", "done"): "2022-01-19",
    # GoTo Malta car sharing launched on 14 November 2018 (Times of Malta).
    ("e-car-sharing", "", "valletta", "done"): "2018-11-14",
    # Asenovgrad's IECP was voted by the Municipal Council on 27 January 2021.
    ("integrated-energy-plan", "", "asenovgrad", "done"): "2021-01-27",
}

# Impact figures of one city in one project (scope `project:city`) that
# belong to exactly one demonstration, and so become ImpactReported. Two
# conditions, both checked: the city has exactly one confirmed demonstration
# in that project whose area fits the KPI (KPI_AREAS), and the data README
# says that the figure measures that demonstration (quoted here). Every other
# figure becomes ImpactPublished for its scope.
KPI_AREAS = {
    "energy_saved_pct": "buildings", "co2_reduced_pct": "buildings",
    "smart_meters": "buildings", "floor_area_m2": "buildings",
    "e_vehicles": "mobility-logistics", "charging_stations": "mobility-logistics",
    "citizens_engaged": "citizen-engagement",
}
IMPACT_DEMONSTRATIONS = {
    # "`sharing-cities:milan` 59 % is for the retrofitted private homes"
    ("sharing-cities", "milan", "energy_saved_pct"): "building-energy-retrofit",
    # "`smarter-together:vienna` 3000 is "nearly 3,000" SIMmobil visitors"
    ("smarter-together", "vienna", "citizens_engaged"): "urban-living-lab",
    # "`smarter-together:venice` 300 is "more than 300" BusLab visitors"
    ("smarter-together", "venice", "citizens_engaged"): "urban-living-lab",
}

# Generic solution names: the slug's words in sentence case, with the
# spellings below for abbreviations and compound words, and whole-name
# exceptions where the words alone read wrongly.
NAME_WORDS = {"ev": "EV", "pv": "PV", "passivhaus": "Passivhaus", "dc": "DC"}
NAME_COMPOUNDS = (("e", "bike"), ("e", "car"), ("e", "mobility"), ("second", "life"),
                  ("demand", "side"), ("vehicle", "to", "grid"),
                  ("self", "consumption"), ("building", "integrated"))
NAME_EXCEPTIONS = {"solar-pv-battery": "Solar PV and battery storage",
                   "e-mobility-as-a-service": "E-mobility as a service (eMaaS)"}


class DataError(Exception):
    """The data breaks a rule: stop without writing anything."""


class Refusal(Exception):
    """An event that the rules of SPEC section 4 would refuse."""


def fail(message: str) -> None:
    raise DataError(message)


def refuse(message: str) -> None:
    raise Refusal(message)
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


def source_date(url: str) -> str | None:
    """The day by which a source was published, when its URL says: a full
    date (/YYYY/MM/DD/) or a month archive (/YYYY/MM/, the month's last day)."""
    match = re.search(r"/(\d{4})/(\d{2})/(?:(\d{2})/)?", url)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day:
            date = dt.date(int(year), int(month), int(day))
        else:
            following = dt.date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
            date = following - dt.timedelta(days=1)
    except ValueError:
        return None
    return date.isoformat() if "2000-01-01" <= date.isoformat() <= TODAY else None


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


def read_all(folder: Path) -> dict[str, list[dict]]:
    rows = {name: read_csv(folder, name) for name in HEADERS}
    projects, cities, roles = rows["projects.csv"], rows["cities.csv"], rows["roles.csv"]
    demos, repls = rows["demonstrations.csv"], rows["replications.csv"]
    impacts, obstacles = rows["impacts.csv"], rows["obstacles.csv"]

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
    both = project_ids & city_ids
    if both:
        fail(f"projects.csv, cities.csv: ids {sorted(both)} name both a project and a "
             "city, so event ids made from them could clash")
    for r in roles:
        w = r["_where"]
        if r["project"] not in project_ids:
            fail(f"{w}: unknown project {r['project']!r}")
        if r["city"] not in city_ids:
            fail(f"{w}: unknown city {r['city']!r}")
        if r["role"] not in ROLES:
            fail(f"{w}: role {r['role']!r} is not one of {ROLES}")
    unique(roles, lambda r: (r["project"], r["city"]), "role")
    role_pairs = {(r["project"], r["city"]) for r in roles}
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
        if r["to_city"] not in city_ids:
            fail(f"{w}: unknown to_city {r['to_city']!r}")
        if r["from_city"] and r["from_city"] not in city_ids:
            fail(f"{w}: unknown from_city {r['from_city']!r}")
        if r["project"] not in project_ids:
            fail(f"{w}: unknown project {r['project']!r} (the column is always filled)")
        if r["status"] not in STATUSES:
            fail(f"{w}: status {r['status']!r} is not one of {STATUSES}")
        if r["funding"] and r["funding"] not in FUNDINGS:
            fail(f"{w}: funding {r['funding']!r} is not one of {FUNDINGS}")
        if r["year"] and not YEAR.fullmatch(r["year"]):
            fail(f"{w}: year {r['year']!r} is not a year")
    unique(repls, lambda r: (r["solution"], r["from_city"] or "project " + r["project"],
                             r["to_city"], r["status"]), "replication")
    for i in impacts:
        w = i["_where"]
        if i["kpi"] not in KPIS:
            fail(f"{w}: kpi {i['kpi']!r} is not one of {KPIS}")
        if not INTEGER.fullmatch(i["value"]) or (
                i["kpi"].endswith("_pct") and int(i["value"]) > 100):
            fail(f"{w}: value {i['value']!r} is not a whole number >= 0 "
                 "(a percentage <= 100)")
        project, _, city = i["scope"].partition(":")
        if i["scope"] != COMMUNITY and project not in project_ids:
            fail(f"{w}: unknown scope {i['scope']!r}")
        if city and (project, city) not in role_pairs:
            fail(f"{w}: scope {i['scope']!r}: {city} has no role in {project}")
    unique(impacts, lambda r: (r["scope"], r["kpi"]), "impact figure")
    for o in obstacles:
        w = o["_where"]
        check_slug(o["obstacle"], "obstacle id", w)
        if o["project"] and o["project"] not in project_ids:
            fail(f"{w}: unknown project {o['project']!r}")
        if o["city"] and o["city"] not in city_ids:
            fail(f"{w}: unknown city {o['city']!r}")
        if o["solution"] and o["solution"] not in area_of:
            fail(f"{w}: solution {o['solution']!r} is in no demonstration row")
        if o["category"] not in CATEGORIES:
            fail(f"{w}: category {o['category']!r} is not one of {CATEGORIES}")
        if not 1 <= len(o["text"]) <= MAX_TEXT or len(o["overcome_by"]) > MAX_TEXT:
            fail(f"{w}: text and overcome_by must have at most {MAX_TEXT} characters "
                 "(text at least one)")
    unique(obstacles, lambda r: r["obstacle"], "obstacle id")
    rows["_area_of"] = area_of
    rows["_locations"] = read_locations(folder, {c["id"] for c in cities})
    return rows


def read_locations(folder: Path, city_ids: set) -> list[dict]:
    """locations.csv (data/README.md): one row per city of cities.csv, lat and lon with two decimals."""
    path = folder / "locations.csv"
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            table = list(csv.reader(handle, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        fail(f"{path}: cannot read: {error}")
    header = ["city", "lat", "lon", "geonameid", "geonames_name", "source", "confirmed"]
    if not table or table[0] != header:
        fail(f"{path}:1: header is not {','.join(header)}")
    result = []
    for number, values in enumerate(table[1:], start=2):
        where = f"locations.csv:{number}"
        if len(values) != len(header):
            fail(f"{where}: {len(values)} fields, not {len(header)}")
        row = dict(zip(header, values))
        if row["city"] not in city_ids:
            fail(f"{where}: unknown city {row['city']}")
        for field, limit in (("lat", 90), ("lon", 180)):
            if not re.fullmatch(r"-?[0-9]+(\.[0-9]{1,2})?", row[field]) or abs(float(row[field])) > limit:
                fail(f"{where}: {field} {row[field]!r} is not a number of at most two decimals within ±{limit}")
        result.append(row)
    return result


def project_dates(projects: list[dict]):
    """Registration date of each project and its confirmed end in the past."""
    starts, ends = {}, {}
    for p in projects:
        left = UNCONFIRMED_PROJECT_FIELDS.get(p["id"], set())
        start = "" if "start" in left else p["start"]
        end = "" if "end" in left else p["end"]
        at = start or PROJECT_DATE_WITHOUT_START.get(p["id"])
        if not at:
            fail(f"{p['_where']}: project {p['id']} has no confirmed start and no "
                 "date in PROJECT_DATE_WITHOUT_START")
        starts[p["id"]] = at
        if end and end < TODAY:
            ends[p["id"]] = end
    return starts, ends


def known_by(source: str, project: str, ends: dict) -> str:
    """The date of a record the row gives no date for: when it is known to be
    on record. The source's publication date where its URL gives one, else the
    end of the row's project (a confirmed end in the past), else TODAY."""
    return source_date(source) or ends.get(project) or TODAY
def build_rows(rows: dict):
    """Every event made from a confirmed row, before the rules are applied.

    Returns the events per group, the CSV position of each row-made event
    (event id -> "file:line"), and per CSV file the unconfirmed rows."""
    projects, cities, roles = rows["projects.csv"], rows["cities.csv"], rows["roles.csv"]
    demos, repls = rows["demonstrations.csv"], rows["replications.csv"]
    impacts, obstacles = rows["impacts.csv"], rows["obstacles.csv"]
    starts, ends = project_dates(projects)
    origin: dict[str, str] = {}
    unconfirmed = {name: sum(1 for r in rows[name] if r["confirmed"] != "yes")
                   for name in HEADERS}
    notes = {}

    def made(e: dict, row: dict) -> dict:
        origin[e["id"]] = row["_where"]
        return e

    # -- 01 projects, 07 ends ------------------------------------------------
    project_events, end_events = [], []
    fields_out = 0
    for p in projects:
        left = UNCONFIRMED_PROJECT_FIELDS.get(p["id"], set())
        fields_out += len(left & {"start", "end", "name"})
        data = {"project": p["id"],
                "name": p["acronym"] if "name" in left else p["name"]}
        if p["call"]:
            data["call"] = p["call"]
        for f in ("start", "end"):
            if p[f] and f not in left:
                data[f] = p[f]
        project_events.append(event(f"project-{p['id']}", "ProjectRegistered",
                                    starts[p["id"]], p["source"], data))
        if p["id"] in ends:
            end_events.append(event(f"project-end-{p['id']}", "ProjectEnded",
                                    ends[p["id"]], p["source"], {"project": p["id"]}))
    notes["projects.csv"] = (f"{fields_out} unconfirmed start/end/title values left out; "
                             f"{len(end_events)} with a confirmed end in the past")

    # -- 03 roles --------------------------------------------------------------
    confirmed_cities = {c["id"] for c in cities if c["confirmed"] == "yes"}

    def confirmed_city(city: str, where: str) -> None:
        if city and city not in confirmed_cities:
            fail(f"{where}: city {city} of a confirmed row is unconfirmed")

    role_events = []
    for r in roles:
        if r["confirmed"] != "yes":
            continue
        confirmed_city(r["city"], r["_where"])
        role_events.append(made(event(
            f"role-{r['project']}-{r['city']}", "CityJoinedProject", starts[r["project"]],
            r["source"], {"city": r["city"], "project": r["project"], "role": r["role"]}), r))

    # -- 06 replications and plans ----------------------------------------------
    repl_items = []  # (at, order, where, event)
    adoption_at = {}  # (solution, to_city) -> earliest date of a done row
    funding_out = 0
    for r in repls:
        if r["confirmed"] != "yes":
            continue
        w = r["_where"]
        for c in (r["from_city"], r["to_city"]):
            confirmed_city(c, w)
        sol, src, dst, status = r["solution"], r["from_city"], r["to_city"], r["status"]
        key = (sol, src, dst, status)
        at = (REPLICATION_DATES.get(key) or (f"{r['year']}-01-01" if r["year"] else None)
              or known_by(r["source"], r["project"], ends))
        data = {"solution": sol, "city": dst, "project": r["project"]}
        if src:
            data["from"] = src
        by = src or r["project"]
        if status == "planned":
            if r["funding"]:
                funding_out += 1  # ReplicationPlanned has no funding field
            e = event(f"plan-{sol}-{by}-{dst}", "ReplicationPlanned", at, r["source"], data)
        else:
            if r["funding"]:
                data["funding"] = r["funding"]
            e = event(f"replication-{sol}-{by}-{dst}", "SolutionReplicated", at,
                      r["source"], data)
            adoption_at[(sol, dst)] = min(at, adoption_at.get((sol, dst), at))
        repl_items.append((at, 0 if status == "planned" else 1, w, made(e, r)))
    notes["replications.csv"] = f"{funding_out} funding value(s) of plans left out"

    # -- 05 demonstrations (and those that are the local form of a replication) --
    demo_events = []
    for d in demos:
        if d["confirmed"] != "yes":
            continue
        w = d["_where"]
        confirmed_city(d["city"], w)
        key = (d["project"], d["city"], d["solution"])
        adopted = adoption_at.get((d["solution"], d["city"]))
        if d["project"]:
            at = DEMONSTRATION_DATES.get(key) or adopted or starts[d["project"]]
            demo_id = f"{d['project']}-{d['city']}-{d['solution']}"
        else:
            at = DEMONSTRATION_DATES.get(key) or adopted or publication_date(d["source"])
            if not at:
                fail(f"{w}: a demonstration without a project needs a date: "
                     "none in DEMONSTRATION_DATES nor in its source URL")
            demo_id = f"{d['city']}-{d['solution']}"
        check_slug(demo_id, "demonstration id", w)
        data = {"demonstration": demo_id, "solution": d["solution"], "city": d["city"]}
        if d["project"]:
            data["project"] = d["project"]
        e = made(event(f"demo-{demo_id}", "DemonstrationReported", at, d["source"], data), d)
        if adopted:
            # The city took this solution over by a (done) replication row: the
            # demonstration is what it built, recorded right after the adoption.
            repl_items.append((at, 2, w, e))
        else:
            demo_events.append(e)
    demo_of = {(e["data"].get("project", ""), e["data"]["city"], e["data"]["solution"]): e
               for e in demo_events + [i[3] for i in repl_items]
               if e["type"] == "DemonstrationReported"}
    area_of = rows["_area_of"]

    # -- 08 obstacles ------------------------------------------------------------
    obstacle_events = []
    for o in obstacles:
        if o["confirmed"] != "yes":
            continue
        confirmed_city(o["city"], o["_where"])
        at = known_by(o["source"], o["project"], ends)
        data = {"obstacle": o["obstacle"], "category": o["category"], "text": o["text"]}
        for f in ("solution", "city", "project"):
            if o[f]:
                data[f] = o[f]
        obstacle_events.append(made(event(f"obstacle-{o['obstacle']}", "ObstacleReported",
                                          at, o["source"], data), o))
        if o["overcome_by"]:
            obstacle_events.append(made(event(
                f"overcome-{o['obstacle']}", "ObstacleOvercome", at, o["source"],
                {"obstacle": o["obstacle"], "how": o["overcome_by"]}), o))

    # -- 09 impact figures ---------------------------------------------------------
    impact_events = []
    for i in impacts:
        if i["confirmed"] != "yes":
            continue
        w = i["_where"]
        value = int(i["value"])
        scope = "" if i["scope"] == COMMUNITY else i["scope"]
        project, _, city = scope.partition(":")
        confirmed_city(city, w)
        at = known_by(i["source"], project, ends)
        fitting = [e for (p, c, s), e in sorted(demo_of.items())
                   if p == project and c == city and city
                   and area_of[s][0] == KPI_AREAS[i["kpi"]]]
        named = IMPACT_DEMONSTRATIONS.get((project, city, i["kpi"]))
        if named:
            if len(fitting) != 1 or fitting[0]["data"]["solution"] != named:
                fail(f"{w}: IMPACT_DEMONSTRATIONS gives {named} for {i['scope']} "
                     f"{i['kpi']}, but the demonstrations whose area fits the KPI are "
                     f"{[e['data']['demonstration'] for e in fitting]}")
            demo = fitting[0]["data"]["demonstration"]
            impact_events.append(made(event(
                f"impact-{demo}-{i['kpi']}", "ImpactReported", at,
                i["source"], {"demonstration": demo, "kpi": i["kpi"], "value": value}), i))
            continue
        data = {"kpi": i["kpi"], "value": value}
        if project:
            data["project"] = project
        if city:
            data["city"] = city
        label = "-".join(x for x in ("published", project or "community", city, i["kpi"]) if x)
        impact_events.append(made(event(label, "ImpactPublished", at, i["source"], data), i))

    groups = {
        "projects": project_events, "roles": role_events, "demonstrations": demo_events,
        "replications": [item[3] for item in sorted(repl_items, key=lambda t: t[:3])],
        "ends": end_events, "obstacles": obstacle_events, "impacts": impact_events,
    }
    return groups, origin, unconfirmed, notes


def assemble(rows: dict, groups: dict, left_out: set[str]) -> dict[str, list[dict]]:
    """The events files, without the events in left_out; cities and solutions
    are registered at the date of the earliest remaining event that names them."""
    kept = {name: [e for e in events if e["id"] not in left_out]
            for name, events in groups.items()}
    city_uses, solution_uses = defaultdict(list), defaultdict(list)
    for name in ("roles", "demonstrations", "replications", "obstacles", "impacts"):
        for e in kept[name]:
            d = e["data"]
            for f in ("city", "from"):
                if f in d:
                    city_uses[d[f]].append(e["at"])
            if "solution" in d:
                solution_uses[d["solution"]].append((e["at"], e["id"], e["source"]))
    city_events = []
    unnamed = rows.setdefault("_unnamed", {})
    unnamed.clear()
    for c in rows["cities.csv"]:
        if c["confirmed"] != "yes":
            continue
        if c["id"] not in city_uses:
            # A city that only a left-out row names (an unconfirmed replication) has no date: it is left out too,
            # and reported as the rules' refusals are.
            unnamed[c["_where"]] = (f"CityRegistered city-{c['id']} refused: no kept event names the city, so its"
                                    " registration has no date")
            continue
        city_events.append(event(f"city-{c['id']}", "CityRegistered",
                                 min(city_uses[c["id"]]), c["source"],
                                 {"city": c["id"], "name": c["name"],
                                  "country": c["country"]}))
    solution_events = []
    area_of = rows["_area_of"]
    for slug in sorted(solution_uses):
        if slug not in area_of:
            fail(f"solution {slug} is used but no demonstration row gives its area")
        at, _, source = min(solution_uses[slug])
        name = solution_name(slug)
        check_name(name, "solution name", f"solution {slug}")
        solution_events.append(event(f"solution-{slug}", "SolutionCatalogued", at, source,
                                     {"solution": slug, "name": name,
                                      "area": area_of[slug][0]}))

    # The coordinates of every registered city (locations.csv, GeoNames), dated with its registration: the place
    # of a city does not move; a row marked confirmed=no (another place's point) is left out.
    location_events = []
    registered = {e["data"]["city"]: e["at"] for e in city_events}
    for row in rows["_locations"]:
        if row["confirmed"] != "yes" or row["city"] not in registered:
            continue
        location_events.append(event(f"location-{row['city']}", "CityLocated", registered[row["city"]],
                                     row["source"], {"city": row["city"], "lat": float(row["lat"]),
                                                     "lon": float(row["lon"])}))

    def by_date(events):
        return sorted(events, key=lambda e: (e["at"], e["id"]))

    return {
        "01-projects.jsonl": by_date(kept["projects"]),
        "02-cities.jsonl": by_date(city_events),
        "03-roles.jsonl": by_date(kept["roles"]),
        "04-solutions.jsonl": by_date(solution_events),
        "05-demonstrations.jsonl": by_date(kept["demonstrations"]),
        # in date order already: plans before replications of the same date, each
        # demonstration of a taken-over solution right after its adoption
        "06-replications.jsonl": kept["replications"],
        "07-project-ends.jsonl": by_date(kept["ends"]),
        # a report before the way out of the same obstacle (same date; ids sort so)
        "08-obstacles.jsonl": by_date(kept["obstacles"]),
        "09-impacts.jsonl": by_date(kept["impacts"]),
        "10-locations.jsonl": by_date(location_events),
    }


# ---------------------------------------------------------------------------
# Replaying the events against SPEC section 4
# ---------------------------------------------------------------------------

def replay(files: dict, origin: dict[str, str], lenient: bool):
    """Apply every event in file name order with the rules of SPEC section 4.

    An event made from a CSV row that a rule refuses is, when lenient, left
    out (it changes no state) and its row reported: the result maps the row
    ("file:line") to the first reason; the ids of the refused events come
    second. Any other breach stops with DataError."""
    refused: dict[str, str] = {}
    refused_ids: set[str] = set()
    seen_ids = {}
    at_of = {}
    projects, ended, cities, solutions, demos = {}, {}, {}, {}, {}
    joined = {}            # (city, project) -> event id
    lighthouses = defaultdict(list)  # project -> [(city, join event id)]
    has = {}               # (solution, city) -> [event ids: demonstrations, adoptions]
    open_plans = {}        # (solution, city, origin) -> event id
    obstacles, overcome = {}, set()
    in_project = {}        # project -> ids of its joins and demonstrations

    def earliest(ids):
        return min(ids, key=lambda i: (at_of[i], i))

    for name, events in files.items():
        for line, e in enumerate(events, start=1):
            where = f"{name}:{line} ({e['id']})"
            if list(e) != ["id", "type", "at", "actor", "source", "data"]:
                fail(f"{where}: keys {list(e)}")
            if len(e["id"]) > 128 or not e["id"]:
                fail(f"{where}: id empty or longer than 128 characters")
            if e["id"] in seen_ids:
                fail(f"{where}: id already used at {seen_ids[e['id']]}")
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
                if f in d and f not in ("value", "lat", "lon") and (not isinstance(d[f], str) or not d[f]):
                    fail(f"{where}: field {f} must be a non-empty string")
            for f in ("project", "city", "solution", "from", "demonstration", "obstacle"):
                if f in d:
                    check_slug(d[f], f, where)
            if "name" in d:
                check_name(d["name"], "name", where)
            for f in ("start", "end"):
                if f in d:
                    check_date(d[f], f, where)
            t = e["type"]
            refs = []  # events this one depends on
            changes = []  # state changes, applied only once every check passed

            def need(registry, key, what):
                if key not in registry:
                    refuse(f"{what} {key} is not registered by an earlier event")
                refs.append(registry[key])

            def kpi_value():
                if d["kpi"] not in KPIS:
                    refuse(f"kpi {d['kpi']!r} is not one of {KPIS}")
                v = d["value"]
                if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v >= 2 ** 53:
                    refuse(f"value {v!r} is not a whole number from 0 to 2^53")
                if d["kpi"].endswith("_pct") and v > 100:
                    refuse(f"value {v} of {d['kpi']} is a percentage above 100")

            def in_the_project(city, project):
                if (city, project) not in joined:
                    refuse(f"{city} is not in project {project}")
                refs.append(joined[(city, project)])

            try:
                if t == "ProjectRegistered":
                    if d["project"] in projects:
                        refuse(f"project {d['project']} already registered")
                    if "start" in d and "end" in d and not d["start"] < d["end"]:
                        refuse("start is not before end")
                    changes.append(lambda: projects.__setitem__(d["project"], e["id"]))
                elif t == "ProjectEnded":
                    need(projects, d["project"], "project")
                    if d["project"] in ended:
                        refuse(f"project {d['project']} already ended")
                    # sanity: no join or demonstration of the project after its end
                    for other in in_project.get(d["project"], []):
                        if at_of[other] > e["at"]:
                            refuse(f"ends before {other} ({at_of[other]})")
                    changes.append(lambda: ended.__setitem__(d["project"], e["id"]))
                elif t == "CityRegistered":
                    if d["city"] in cities:
                        refuse(f"city {d['city']} already registered")
                    if not COUNTRY.fullmatch(d["country"]):
                        refuse(f"country {d['country']!r}")
                    changes.append(lambda: cities.__setitem__(d["city"], e["id"]))
                elif t == "CityJoinedProject":
                    need(cities, d["city"], "city")
                    need(projects, d["project"], "project")
                    if (d["city"], d["project"]) in joined:
                        refuse(f"{d['city']} is already in {d['project']}")
                    if d["project"] in ended:
                        refuse(f"project {d['project']} has ended")
                    if d["role"] not in ROLES:
                        refuse(f"role {d['role']!r}")

                    def join():
                        joined[(d["city"], d["project"])] = e["id"]
                        in_project.setdefault(d["project"], []).append(e["id"])
                        if d["role"] == "lighthouse":
                            lighthouses[d["project"]].append((d["city"], e["id"]))
                    changes.append(join)
                elif t == "SolutionCatalogued":
                    if d["solution"] in solutions:
                        refuse(f"solution {d['solution']} already catalogued")
                    if d["area"] not in AREAS:
                        refuse(f"area {d['area']!r}")
                    changes.append(lambda: solutions.__setitem__(d["solution"], e["id"]))
                elif t == "DemonstrationReported":
                    if d["demonstration"] in demos:
                        refuse(f"demonstration {d['demonstration']} already reported")
                    need(solutions, d["solution"], "solution")
                    need(cities, d["city"], "city")
                    if "project" in d:
                        need(projects, d["project"], "project")
                        in_the_project(d["city"], d["project"])

                    def demonstrate():
                        demos[d["demonstration"]] = e["id"]
                        if "project" in d:
                            in_project.setdefault(d["project"], []).append(e["id"])
                        has.setdefault((d["solution"], d["city"]), []).append(e["id"])
                    changes.append(demonstrate)
                elif t == "ImpactReported":
                    need(demos, d["demonstration"], "demonstration")
                    kpi_value()
                elif t in ("ReplicationPlanned", "SolutionReplicated"):
                    need(solutions, d["solution"], "solution")
                    need(cities, d["city"], "city")
                    if "project" in d:
                        need(projects, d["project"], "project")
                    if "from" in d:
                        need(cities, d["from"], "city")
                        if d["city"] == d["from"]:
                            refuse("city and from are the same")
                        basis = has.get((d["solution"], d["from"]))
                        if not basis:
                            refuse(f"the origin {d['from']} has neither demonstrated nor "
                                   f"adopted {d['solution']}")
                        refs.append(earliest(basis))
                        by = ("city", d["from"])
                    elif "project" in d:
                        # the project's lighthouse cities as a group: one of them
                        # (its join and its earliest demonstration or adoption)
                        bases = []
                        for city, join_id in lighthouses[d["project"]]:
                            shown = has.get((d["solution"], city))
                            if shown:
                                first = earliest(shown)
                                bases.append((max(at_of[join_id], at_of[first]), join_id,
                                              first))
                        if not bases:
                            refuse(f"no lighthouse city of {d['project']} has demonstrated "
                                   f"or adopted {d['solution']}")
                        refs.extend(min(bases)[1:])
                        by = ("project", d["project"])
                    else:
                        refuse("neither from nor project: no origin")
                    if has.get((d["solution"], d["city"])):
                        refuse(f"{d['city']} has already demonstrated or adopted "
                               f"{d['solution']} ({', '.join(has[(d['solution'], d['city'])])})")
                    if t == "ReplicationPlanned":
                        key = (d["solution"], d["city"], by)
                        if key in open_plans:
                            refuse(f"{d['city']} already has an open plan for "
                                   f"{d['solution']} from the same origin ({open_plans[key]})")
                        changes.append(lambda: open_plans.__setitem__(key, e["id"]))
                    else:
                        if "funding" in d and d["funding"] not in FUNDINGS:
                            refuse(f"funding {d['funding']!r}")
                        closed = [k for k in open_plans
                                  if k[0] == d["solution"] and k[1] == d["city"]]
                        refs.extend(open_plans[k] for k in closed)

                        def adopt():
                            for k in closed:
                                del open_plans[k]  # fulfilled or closed
                            has.setdefault((d["solution"], d["city"]), []).append(e["id"])
                        changes.append(adopt)
                elif t == "ObstacleReported":
                    if d["obstacle"] in obstacles:
                        refuse(f"obstacle {d['obstacle']} already reported")
                    if d["category"] not in CATEGORIES:
                        refuse(f"category {d['category']!r}")
                    if not 1 <= len(d["text"]) <= MAX_TEXT:
                        refuse(f"text has {len(d['text'])} scalars, not 1 to {MAX_TEXT}")
                    if not any(f in d for f in ("solution", "city", "project")):
                        refuse("none of solution, city and project")
                    if "solution" in d:
                        need(solutions, d["solution"], "solution")
                    if "city" in d:
                        need(cities, d["city"], "city")
                    if "project" in d:
                        need(projects, d["project"], "project")
                    if "city" in d and "project" in d:
                        in_the_project(d["city"], d["project"])
                    changes.append(lambda: obstacles.__setitem__(d["obstacle"], e["id"]))
                elif t == "ObstacleOvercome":
                    need(obstacles, d["obstacle"], "obstacle")
                    if d["obstacle"] in overcome:
                        refuse(f"obstacle {d['obstacle']} is already overcome")
                    if not 1 <= len(d["how"]) <= MAX_TEXT:
                        refuse(f"how has {len(d['how'])} scalars, not 1 to {MAX_TEXT}")
                    changes.append(lambda: overcome.add(d["obstacle"]))
                elif t == "CityLocated":
                    need(cities, d["city"], "city")
                    if not (-90 <= d["lat"] <= 90 and -180 <= d["lon"] <= 180):
                        refuse(f"lat {d['lat']} or lon {d['lon']} out of bounds")
                elif t == "ImpactPublished":
                    kpi_value()
                    if "project" in d:
                        need(projects, d["project"], "project")
                    if "city" in d:
                        need(cities, d["city"], "city")
                    if "city" in d and "project" in d:
                        in_the_project(d["city"], d["project"])
                for ref in refs:
                    if at_of[ref] > e["at"]:
                        refuse(f"dated {e['at']}, before {ref} ({at_of[ref]}) "
                               "that it refers to")
            except Refusal as refusal:
                row = origin.get(e["id"])
                if not (lenient and row):
                    fail(f"{where}: {e['type']} refused: {refusal}")
                refused.setdefault(row, f"{e['type']} {e['id']} refused: {refusal}")
                refused_ids.add(e["id"])
                continue
            for change in changes:
                change()
            seen_ids[e["id"]] = where
            at_of[e["id"]] = e["at"]
    return refused, refused_ids


# ---------------------------------------------------------------------------

def line_key(where: str):
    name, _, line = where.partition(":")
    return (list(HEADERS).index(name), int(line))


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
        rows = read_all(args.data)
        groups, origin, unconfirmed, notes = build_rows(rows)
        # First pass: which rows would the rules refuse? Second pass: without
        # them, every remaining event must pass (else the script is wrong).
        refused, refused_ids = replay(assemble(rows, groups, set()), origin, lenient=True)
        files = assemble(rows, groups, refused_ids)
        again, _ = replay(files, origin, lenient=False)
        assert not again
        refused.update(rows["_unnamed"])
    except DataError as error:
        print(f"make_events: {error}", file=sys.stderr)
        return 1
    for where in sorted(refused, key=line_key):
        print(f"make_events: {where}: left out: {refused[where]}", file=sys.stderr)
    for name in HEADERS:
        count = len(rows[name])
        out = sum(1 for w in refused if w.startswith(name + ":"))
        if name == "projects.csv":  # every project is registered
            what = f"{unconfirmed[name]} unconfirmed (registered all the same)"
        else:
            what = f"{unconfirmed[name]} unconfirmed left out"
        note = f"; {notes[name]}" if name in notes else ""
        print(f"{os.path.relpath(args.data / name)}: {count} rows, {what}, "
              f"{out} refused by the rules left out{note}", file=sys.stderr)
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
        print(f"{os.path.relpath(path)}: {kinds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

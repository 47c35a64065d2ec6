#!/usr/bin/env python3
"""Checks a `--format csv` output against the same view's `--format json`, by the rules of SPEC §8.1, written apart
from sckb: RFC 4180 as Python's csv module reads it, UTF-8 without BOM, CRLF after every record, one row per
element of LIST, one column per (dotted) key in the order the JSON prints them, lists joined with spaces, a
formula-looking text cell prefixed with '. Exit 0 when they agree, else 1 with the first difference.

    python3 scripts/check_csv.py LIST view.json view.csv
"""
import csv
import io
import json
import sys


def flatten(value, path, cells):
    if isinstance(value, dict):
        for key in sorted(value, key=lambda k: k.encode("utf-16-be")):
            flatten(value[key], path + [key], cells)
    else:
        cells[".".join(path)] = value


def control_escaped(text):
    out = []
    for ch in text:
        code = ord(ch)
        control = code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0x200E, 0x200F) or \
            0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069
        if control and ch not in "\t\r\n":
            out.append("\\u{%X}" % code)
        else:
            out.append(ch)
    return "".join(out)


def expected_cell(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, list):
        def listed(item):
            for key in ("reason", "id", "obstacle", "grant", "city"):
                if isinstance(item.get(key), str):
                    return item[key]
            return None
        items = [listed(item) if isinstance(item, dict) else (json.dumps(item) if not isinstance(item, str) else item)
                 for item in value]
        value = " ".join(item for item in items if item is not None)
    text = control_escaped(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def main():
    list_key, json_path, csv_path = sys.argv[1:4]
    view = json.load(open(json_path, encoding="utf-8"))
    raw = open(csv_path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        sys.exit("the CSV starts with a byte order mark")
    records = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    if not raw.endswith(b"\r\n"):
        sys.exit("the CSV does not end with CRLF")
    rows = []
    for element in view[list_key]:
        cells = {}
        flatten(element, [], cells)
        rows.append(cells)
    columns = set()
    for cells in rows:
        columns.update(cells)
    parents = {c.rsplit(".", 1)[0] for c in columns if "." in c}
    columns = [c for c in columns if c not in parents]
    # Column order: canonical key order, segment by segment.
    columns.sort(key=lambda c: [k.encode("utf-16-be") for k in c.split(".")])
    if records[0] != columns:
        sys.exit(f"header {records[0]} != {columns}")
    if len(records) - 1 != len(rows):
        sys.exit(f"{len(records) - 1} records for {len(rows)} elements")
    for number, (record, cells) in enumerate(zip(records[1:], rows), start=1):
        wanted = [expected_cell(cells.get(column)) for column in columns]
        if record != wanted:
            sys.exit(f"record {number}: {record} != {wanted}")
    print(f"{len(rows)} records agree")


if __name__ == "__main__":
    main()

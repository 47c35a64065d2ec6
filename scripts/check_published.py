#!/usr/bin/env python3
"""Checks a folder written by `sckb publish` offline, with the standard library only.

    python3 scripts/check_published.py SITE [REQUIRED_FILE...]

Every `href` and `src` of every HTML page must be an outside address (a scheme such as https:, or mailto:), a
fragment of the page itself, or a relative path without a query that names a file inside SITE (a fragment after
it is allowed). A path from the root (`/…`) would break under a base path, so it fails too. Each REQUIRED_FILE must
exist. Prints one summary line; on failure, the first problems and exit 1.
"""
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, value))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: check_published.py SITE [REQUIRED_FILE...]")
    root = os.path.realpath(sys.argv[1])
    problems = []
    pages = links = 0
    resolved = {}

    def resolves(folder, link):
        """Whether `link` on a page in `folder` names a file inside the site (asked of the file system once)."""
        key = (folder, link.split("#", 1)[0])
        if key not in resolved:
            target = os.path.realpath(os.path.join(folder, unquote(key[1])))
            resolved[key] = target.startswith(root + os.sep) and os.path.isfile(target)
        return resolved[key]

    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".html"):
                continue
            pages += 1
            path = os.path.join(folder, name)
            parser = Links()
            with open(path, encoding="utf-8") as page:
                parser.feed(page.read())
            for tag, link in parser.links:
                links += 1
                if SCHEME.match(link) or link.startswith("#"):
                    continue
                if link.startswith("/") or "?" in link or link == "":
                    problems.append(f"{os.path.relpath(path, root)}: <{tag}> {link!r} is not a relative file link")
                    continue
                if not resolves(folder, link):
                    problems.append(f"{os.path.relpath(path, root)}: <{tag}> {link!r} leads to no file")
    for required in sys.argv[2:]:
        if not os.path.isfile(os.path.join(root, required)):
            problems.append(f"{required} is missing")
    print(f"{pages} pages, {links} links, {len(problems)} problems")
    for problem in problems[:20]:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

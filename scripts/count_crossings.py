#!/usr/bin/env python3
"""Counts the edge crossings of the graph drawings in an HTML page of `sckb serve` (standard library only).

    curl -s 'http://127.0.0.1:8080/graph?planned' | python3 scripts/count_crossings.py

Each `<svg class="graph…">` is counted on its own. An edge is a `<path class="edge…">` whose `d` starts at
`Mx,y` and ends at its last `x,y`. Two edges between the same two columns cross when their ends come in opposite
orders; two arcs within one column cross when their spans interleave. Touching at a shared node is no crossing.
"""
import re
import sys
from html.parser import HTMLParser


class Edges(HTMLParser):
    def __init__(self):
        super().__init__()
        self.drawings = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "svg" and "graph" in classes:
            self.drawings.append([])
        elif tag == "path" and "edge" in classes and self.drawings:
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", attributes.get("d", ""))]
            if len(numbers) >= 4:
                self.drawings[-1].append(((numbers[0], numbers[1]), (numbers[-2], numbers[-1])))


def crossings(edges):
    normal = [tuple(sorted(edge)) for edge in edges]
    count = 0
    for i in range(len(normal)):
        for j in range(i + 1, len(normal)):
            (a1, a2), (b1, b2) = normal[i], normal[j]
            if a1[0] == a2[0] or b1[0] == b2[0]:
                if a1[0] == a2[0] == b1[0] == b2[0]:
                    low_a, high_a = sorted((a1[1], a2[1]))
                    low_b, high_b = sorted((b1[1], b2[1]))
                    if low_a < low_b < high_a < high_b or low_b < low_a < high_b < high_a:
                        count += 1
                continue
            if (a1[0], a2[0]) != (b1[0], b2[0]):
                continue
            if (a1[1] - b1[1]) * (a2[1] - b2[1]) < 0:
                count += 1
    return count


def main():
    parser = Edges()
    parser.feed(sys.stdin.read())
    counts = [crossings(edges) for edges in parser.drawings]
    edges = sum(len(edges) for edges in parser.drawings)
    print(f"{len(parser.drawings)} drawings, {edges} edges, {sum(counts)} crossings")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The tests' driver of scripts/verify_proof.py: one process checks every proof of a manifest, and that changing
bytes of the event line, the path or the signature makes the verifier refuse it. It also recomputes Merkle roots
from an export with hashlib alone (RFC 6962 section 2.1, recursive, as the RFC writes it).

    check_proofs.py MANIFEST.json   ->  one JSON object on standard output: counts and failures
"""
import hashlib
import json
import random
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verify_proof  # noqa: E402


def refused(check, *arguments):
    try:
        check(*arguments)
    except (verify_proof.Rejected, verify_proof.Malformed, ValueError):
        return True
    return False


def changed(data, index):
    """`data` with the byte at `index` replaced by another one."""
    return data[:index] + bytes([data[index] ^ 0x01 if data[index] ^ 0x01 != 0x0A else 0x41]) + data[index + 1:]


def regions(proof):
    """Byte ranges of a proof's path (its index or old line and its hashes) and of its signature's base64."""
    start = proof.index(b"\n") + 1 if proof.startswith(b"c2sp.org/") else 0
    path = range(start, proof.index(b"\n\n"))
    signature = range(proof.rindex(b" ") + 1, len(proof) - 1)
    return path, signature


def mutations(count, total, sweep, rng):
    return range(total) if sweep else [rng.randrange(total) for _ in range(min(count, total))]


def merkle_root(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + merkle_root(leaves[:k]) + merkle_root(leaves[k:])).digest()


def main():
    manifest = json.load(open(sys.argv[1]))
    rng = random.Random(manifest.get("seed", 21))
    failures, counts = [], {"accepted": 0, "refused": 0}

    def expect(ok, what):
        if ok:
            counts["accepted" if what.startswith("accept") else "refused"] += 1
        elif len(failures) < 20:
            failures.append(what)

    def refuse_changes(check, files, which, places, count, sweep, label):
        """Changes one byte of files[which] at `count` random places (every place when sweeping): all refused."""
        for i in mutations(count, len(places), sweep, rng):
            altered = list(files)
            altered[which] = changed(files[which], places[i])
            expect(refused(check, *altered), f"{label}: byte {places[i]} of file {which}")

    for entry in manifest.get("inclusion", []):
        verifier = verify_proof.parse_verifier(entry["verifier"])
        files, sweep = (entry["proof"].encode(), entry["line"].encode(), verifier), entry.get("sweep", False)
        label = f"{entry['label']} position {json.loads(files[1])['position']}"
        expect(not refused(verify_proof.check_inclusion, *files), f"accept {label}")
        # The leaf is the line without its hash (SPEC 10): every other byte of the line is covered.
        hash_value = files[1].index(b'"hash":"') + 8
        line = [i for i in range(len(files[1])) if not hash_value <= i < hash_value + 64]
        path, signature = regions(files[0])
        for which, places, count in [(1, line, 3), (0, path, 2), (0, signature, 1)]:
            refuse_changes(verify_proof.check_inclusion, files, which, places, count, sweep, label)

    for entry in manifest.get("consistency", []):
        verifier = verify_proof.parse_verifier(entry["verifier"])
        files = (entry["proof"].encode(), entry["old_checkpoint"].encode(), verifier)
        label, sweep = f"{entry['label']} consistency {entry['old']} to {entry['size']}", entry.get("sweep", False)
        expect(not refused(verify_proof.check_consistency, *files), f"accept {label}")
        (path, signature), (_, old_signature) = regions(files[0]), regions(files[1])
        for which, places, count in [(0, path, 4), (0, signature, 2), (1, old_signature, 2)]:
            refuse_changes(verify_proof.check_consistency, files, which, places, count, sweep, label)

    roots = {}
    for check in manifest.get("roots", []):
        if check["export"] not in roots:
            leaves = []
            for line in open(check["export"], "rb"):
                event = json.loads(line)
                del event["hash"]
                leaves.append(hashlib.sha256(b"\x00" + verify_proof.rfc8785.dumps(event)).digest())
            roots[check["export"]] = leaves
        leaves = roots[check["export"]][: check["size"]]
        expect(merkle_root(leaves).hex() == check["root"], f"accept root of {check['size']} in {check['export']}")

    json.dump({"counts": counts, "failures": failures}, sys.stdout)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks sckb's signed checkpoints, inclusion proofs and consistency proofs without sckb.

Written apart from sckb from the public formats (C2SP signed-note, tlog-checkpoint, tlog-proof; RFC 6962's tree,
verified as RFC 9162 says) with Python's standard library, PyPI's `cryptography` (Ed25519) and `rfc8785` (the JSON a
leaf hashes: the exported line without `hash`). KEY: the verifier key or its file. Exit 0 when all holds, 3 when
something does not (the reason on standard error), 1 when a file cannot be parsed.

    verify_proof.py checkpoint NOTE_FILE --verifier KEY
    verify_proof.py inclusion PROOF_FILE EVENT_FILE --verifier KEY     (EVENT_FILE: the event's line of `sckb export`)
    verify_proof.py consistency PROOF_FILE OLD_CHECKPOINT_FILE --verifier KEY
"""
import argparse
import base64
import hashlib
import json
import os
import sys

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Rejected(Exception):
    """Well-formed, but does not verify: exit 3."""


class Malformed(Exception):
    """Cannot be read or parsed: exit 1."""


def b64(text):
    """Strict, canonical standard base64 of str or bytes (a ValueError for anything else)."""
    data = base64.b64decode(text, validate=True)
    if base64.b64encode(data) != (text.encode() if isinstance(text, str) else bytes(text)):
        raise Malformed(f"not canonical base64: {text!r}")
    return data


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def number(text):
    if not text.isascii() or not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        raise Malformed(f"not a decimal number: {text!r}")
    return int(text)


def parse_verifier(text):
    """NAME+ID+base64(0x01 || public key) -> (name, key id bytes, public key)."""
    fields = text.strip().split("+", 2)
    if len(fields) != 3 or len(fields[1]) != 8:
        raise Malformed("not a verifier key NAME+ID+KEY")
    name, key_id, key = fields[0], bytes.fromhex(fields[1]), b64(fields[2])
    if len(key) != 33 or key[0] != 1 or hashlib.sha256(name.encode() + b"\n" + key).digest()[:4] != key_id:
        raise Malformed("not an Ed25519 verifier key with its key id")
    return name, key_id, Ed25519PublicKey.from_public_bytes(key[1:])


def checkpoint(note, verifier):
    """(size, root) of a signed checkpoint once a signature by the verifier key and the origin hold."""
    name, key_id, key = verifier
    split = note.rfind(b"\n\n")
    if split < 0 or not note.endswith(b"\n"):
        raise Malformed("not a signed note")
    text, found = note[: split + 1], False
    for line in note[split + 2 : -1].split(b"\n"):
        if not line.startswith("\u2014 ".encode()):
            raise Malformed(f"not a signature line: {line!r}")
        signer, signature = line[4:].decode().rsplit(" ", 1)  # a ValueError without a space
        if signer == name and b64(signature)[:4] == key_id:
            try:
                key.verify(b64(signature)[4:], text)
            except InvalidSignature as error:
                raise Rejected(f"the signature of {name} does not verify") from error
            found = True
    if not found:
        raise Rejected(f"no signature by the key {name}")
    lines = text.decode().split("\n")
    if len(lines) < 4 or len(b64(lines[2])) != 32:
        raise Malformed("a checkpoint is an origin, a size and a 32-byte root")
    if lines[0] != name:
        raise Rejected(f"the origin {lines[0]!r} is not the key's name {name!r}")
    return number(lines[1]), b64(lines[2])


def read_proof(data, first):
    """(the number of the `first` line, hashes, signed checkpoint) of a tlog-proof or a consistency proof."""
    lines, at = data.split(b"\n"), 0
    if first == "index" and lines[0] == b"c2sp.org/tlog-proof@v1":
        at = 2 if lines[1].startswith(b"extra ") and b64(lines[1][6:]) is not None else 1
    if not lines[at].startswith(first.encode() + b" "):
        raise Malformed(f"not a {'c2sp.org/tlog-proof@v1' if first == 'index' else 'consistency proof'}")
    value, hashes, at = number(lines[at][len(first) + 1 :].decode()), [], at + 1
    while at < len(lines) and lines[at]:
        hashes, at = hashes + [b64(lines[at])], at + 1
    if at >= len(lines) or any(len(h) != 32 for h in hashes):
        raise Malformed("not 32-byte hashes, one a line, then a blank line and the checkpoint")
    return value, hashes, b"\n".join(lines[at + 1 :])


def root_from_inclusion(leaf, index, size, path):
    """RFC 9162 section 2.1.3.2: the root the path leads to from the leaf."""
    if index >= size:
        raise Rejected(f"index {index} is not below the size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise Rejected("the path is too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Rejected("the path is too short")
    return r


def consistent(old, old_root, size, root, path):
    """RFC 9162 section 2.1.4.2: whether the path proves that the tree of size extends the tree of old."""
    if not path or old == 0 or old >= size:
        return old == size and not path and old_root == root
    path = [old_root] + path if old & (old - 1) == 0 else path
    fn, sn = old - 1, size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == root and sn == 0


def check_inclusion(proof, line, verifier):
    """Checks that the proof proves the exported event line; returns (position, size, root)."""
    index, path, note = read_proof(proof, "index")
    event = json.loads(line)
    if not isinstance(event, dict) or "hash" not in event or "position" not in event:
        raise Malformed("not an exported event line")
    hash_field, position = event.pop("hash"), event["position"]
    if not isinstance(hash_field, str) or len(hash_field) != 64 or hash_field.strip("0123456789abcdef"):
        raise Malformed("the line's hash is not 64 lowercase hex digits")
    if type(position) is not int or position != index + 1:
        raise Rejected(f"the line is position {position}, the proof is for index {index}")
    size, root = checkpoint(note, verifier)
    if root_from_inclusion(hashlib.sha256(b"\x00" + rfc8785.dumps(event)).digest(), index, size, path) != root:
        raise Rejected("the path does not lead to the checkpoint's root")
    return position, size, root


def check_consistency(proof, old_note, verifier):
    """Checks that the proof's checkpoint extends the old signed one; returns (old size, size, root)."""
    old, path, note = read_proof(proof, "old")
    (old_size, old_root), (size, root) = checkpoint(old_note, verifier), checkpoint(note, verifier)
    if old_size != old:
        raise Rejected(f"the proof starts at {old}, the old checkpoint has {old_size} events")
    if not consistent(old, old_root, size, root, path):
        raise Rejected(f"the tree of {size} does not extend the tree of {old}")
    return old, size, root


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["checkpoint", "inclusion", "consistency"])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--verifier", required=True)
    arguments = parser.parse_args()
    kind, key = arguments.kind, arguments.verifier
    try:
        if len(arguments.files) != (1 if kind == "checkpoint" else 2):
            raise Malformed(f"{kind} takes {1 if kind == 'checkpoint' else 2} file(s)")
        verifier = parse_verifier(open(key).read() if os.path.isfile(key) else key)
        check = {"checkpoint": checkpoint, "inclusion": check_inclusion, "consistency": check_consistency}[kind]
        *_, size, root = check(*[open(name, "rb").read() for name in arguments.files], verifier)
        print(f"ok: the {kind} holds, signed by {verifier[0]} for the tree of {size} events, root {root.hex()}")
    except Rejected as error:
        print(f"verify_proof: fails: {error}", file=sys.stderr)
        return 3
    except (Malformed, OSError, ValueError) as error:
        print(f"verify_proof: cannot check: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

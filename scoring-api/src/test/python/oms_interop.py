#!/usr/bin/env python3
"""An independent OMS v1.0 signer and verifier (key method, ECDSA), written from the
OpenSSF Model Signing specification v1.0 and the DSSE v1 protocol only, with Debian's
python3-cryptography. AgriScore's tests use it to prove that its signatures verify here and
that signatures made here verify in AgriScore.

  oms_interop.py sign   MODEL_DIR SIGNATURE_FILE PRIVATE_KEY_PEM
  oms_interop.py verify MODEL_DIR SIGNATURE_FILE PUBLIC_KEY_PEM

Exit 0 and "verified"/"signed" on success; exit 1 with the reason otherwise.
"""
import base64
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://model_signing/signature/v1.0"
# Spec 6.2: default exclusions, matched as top-level path components.
DEFAULT_IGNORE = [".git", ".gitignore", ".gitattributes", ".github"]
HASHES = {256: hashes.SHA256, 384: hashes.SHA384, 521: hashes.SHA512}


def fail(message):
    print("refused: " + message)
    sys.exit(1)


def pae(payload):
    """DSSE v1 pre-authentication encoding."""
    t = PAYLOAD_TYPE.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def key_hint(public_key):
    """Spec 4.1: the hint is a hex key fingerprint; the tool hashes the SPKI PEM."""
    pem = public_key.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(pem).hexdigest()


def ignored(rel, ignore_paths):
    for p in ignore_paths:
        if rel == p or rel.startswith(p.rstrip("/") + "/"):
            return True
    return False


def enumerate_files(model_dir, ignore_paths):
    """Spec 6.1: every regular file, '/'-separated relative paths, no symlinks."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(model_dir, followlinks=False):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, model_dir).replace(os.sep, "/")
            if ignored(rel, ignore_paths):
                continue
            if os.path.islink(full):
                fail("symbolic link " + rel)
            if name in filenames:
                with open(full, "rb") as f:
                    files[rel] = hashlib.sha256(f.read()).hexdigest()
    if not files:
        fail("empty model")
    return files


def root_digest(resources):
    """Spec 6.5.1: SHA-256 over the concatenated raw digests, in resource order."""
    h = hashlib.sha256()
    for r in resources:
        h.update(bytes.fromhex(r["digest"]))
    return h.hexdigest()


def sign(model_dir, signature_file, key_file):
    with open(key_file, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    rel_sig = os.path.relpath(signature_file, model_dir).replace(os.sep, "/")
    ignore = DEFAULT_IGNORE + ([rel_sig] if not rel_sig.startswith("..") else [])
    files = enumerate_files(model_dir, ignore)
    resources = [{"name": n, "digest": d, "algorithm": "sha256"} for n, d in sorted(files.items())]
    statement = {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": os.path.basename(os.path.abspath(model_dir)),
                     "digest": {"sha256": root_digest(resources)}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "resources": resources,
            "serialization": {"method": "files", "hash_type": "sha256",
                              "allow_symlinks": False, "ignore_paths": ignore},
        },
    }
    # Deliberately another layout than AgriScore's (indented, unsorted): the signature covers
    # the payload bytes as they are, so a verifier must not re-serialize.
    payload = json.dumps(statement, indent=2).encode()
    sig = key.sign(pae(payload), ec.ECDSA(HASHES[key.curve.key_size]()))
    bundle = {
        "mediaType": MEDIA_TYPE,
        "verificationMaterial": {"publicKey": {"hint": key_hint(key.public_key())},
                                 "tlogEntries": []},
        "dsseEnvelope": {"payload": base64.b64encode(payload).decode(),
                         "payloadType": PAYLOAD_TYPE,
                         "signatures": [{"sig": base64.b64encode(sig).decode(), "keyid": ""}]},
    }
    os.makedirs(os.path.dirname(os.path.abspath(signature_file)), exist_ok=True)
    with open(signature_file, "w", encoding="utf-8") as f:
        json.dump(bundle, f)
    print("signed")


def verify(model_dir, signature_file, key_file):
    with open(key_file, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    with open(signature_file, encoding="utf-8") as f:
        bundle = json.load(f)
    if bundle.get("mediaType") != MEDIA_TYPE:  # spec 8.1
        fail("media type")
    hint = bundle["verificationMaterial"]["publicKey"].get("hint")
    if hint is not None and hint != key_hint(key):
        fail("key hint does not match the public key")
    env = bundle["dsseEnvelope"]
    if env["payloadType"] != PAYLOAD_TYPE:
        fail("payload type")
    payload = base64.b64decode(env["payload"], validate=True)
    try:  # spec 8.2
        key.verify(base64.b64decode(env["signatures"][0]["sig"], validate=True), pae(payload),
                   ec.ECDSA(HASHES[key.curve.key_size]()))
    except InvalidSignature:
        fail("signature does not verify")
    st = json.loads(payload)  # spec 8.3
    if st["_type"] != STATEMENT_TYPE or st["predicateType"] != PREDICATE_TYPE:
        fail("statement or predicate type")
    pred = st["predicate"]
    ser = pred["serialization"]
    if ser["method"] != "files" or ser["hash_type"] != "sha256":
        fail("serialization " + json.dumps(ser))
    resources = pred["resources"]
    if st["subject"][0]["digest"]["sha256"] != root_digest(resources):
        fail("root digest")
    rel_sig = os.path.relpath(signature_file, model_dir).replace(os.sep, "/")
    ignore = DEFAULT_IGNORE + ser.get("ignore_paths", []) + [rel_sig]
    actual = enumerate_files(model_dir, ignore)  # spec 8.4
    signed = {r["name"]: r["digest"] for r in resources}
    for name in sorted(set(signed) - set(actual)):
        fail("missing file " + name)
    for name in sorted(set(actual) - set(signed)):
        fail("unsigned file " + name)
    for name in sorted(signed):
        if signed[name] != actual[name]:
            fail("changed file " + name)
    print("verified %d files" % len(signed))


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in ("sign", "verify"):
        print(__doc__)
        sys.exit(2)
    {"sign": sign, "verify": verify}[sys.argv[1]](*sys.argv[2:])

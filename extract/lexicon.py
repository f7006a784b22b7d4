"""Loading the rule data kept in ``extract/data/``: lexicons, gazetteers, patterns.

Rules are data: a new trigger word or company suffix is a one-line change to a JSON
file, not to code. Files are checked when loaded, and a problem names the file, the
line where it can, and what was expected.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from newsgraph.errors import SchemaError

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=None)
def load_json(name: str, *required: str) -> dict:
    """The JSON object in ``data/NAME``, which must have every key in ``required``."""
    path = DATA_DIR / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise SchemaError(f"{path}: expected a JSON object at the top level")
    missing = [key for key in required if key not in data]
    if missing:
        raise SchemaError(f"{path}: missing key(s) {', '.join(map(repr, missing))}")
    return data


@lru_cache(maxsize=None)
def load_jsonl(name: str, *required: str) -> tuple[dict, ...]:
    """The records of ``data/NAME`` (one JSON object a line), each with every key in ``required``."""
    path = DATA_DIR / name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SchemaError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or any(key not in record for key in required):
            raise SchemaError(f"{path}:{number}: expected an object with keys {', '.join(required)}")
        records.append(record)
    return tuple(records)


@lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    """A digest of the extraction code and rule data: two builds agree only if this does."""
    digest = hashlib.sha256()
    package = DATA_DIR.parent
    for path in sorted([*package.glob("*.py"), *DATA_DIR.glob("*")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]

"""The build state kept in a build folder, so that new articles can be added without re-reading the old.

Every ``newsgraph build`` writes, next to its exports, ``OUT/.newsgraph/extractions.jsonl``:
a header line, then one JSON line per document with what the extract stage found in it
(metadata, entities, relations; never the article text), sorted by document id.
``newsgraph build NEW... --into OUT`` loads these records into a ``GraphMerger``, skips
the new articles whose content id is already in it, extracts the others and merges the
whole again, so building A then adding B gives the ``graph.json`` of building A and B
at once, byte for byte.

The state is plain JSON (no pickle: a build folder may come from elsewhere) and is
written atomically, after the exports and into the same staging folder, so that the
folder commit of ``write_all`` (``newsgraph/outputs.py``) swaps it in with them: a run
killed at any moment leaves the previous exports with the previous state.

>>> from newsgraph.extract.model import Document, Entity, Extraction
>>> ex = Extraction(Document("d1", "", title="Roche"), (Entity("Roche", "Company", ("Roche AG",)),))
>>> record_to_dict(ex)["entities"]
[{'name': 'Roche', 'type': 'Company', 'aliases': ['Roche AG'], 'mentions': 1}]
>>> record_from_dict(record_to_dict(ex)) == ex
True
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from pydantic import TypeAdapter, ValidationError

from newsgraph.errors import InputError, SchemaError
from newsgraph.exports.atomic import atomic_write
from newsgraph.extract.lexicon import rules_fingerprint
from newsgraph.extract.model import Extraction
from newsgraph.graph import ENTITY_TYPES, RELATION_TYPES, GraphMerger

STATE_DIR = ".newsgraph"
STATE_FILE = "extractions.jsonl"
STATE_FORMAT = "newsgraph-state/1"
_DOCUMENT_FIELDS = ("id", "title", "date", "url", "source", "path")
_AMOUNTS = ("amount", "upfront", "milestones")


def state_path(out_dir: str | Path) -> Path:
    """Where the build state of the build folder ``out_dir`` lives."""
    return Path(out_dir) / STATE_DIR / STATE_FILE


def record_to_dict(extraction: Extraction) -> dict:
    """One document's record as plain JSON data (the article text is left out)."""
    doc = extraction.document
    relations = []
    for rel in extraction.relations:
        item = {"subject": rel.subject, "relation": rel.relation, "object": rel.object,
                "evidence": rel.evidence.as_dict(), "confidence": rel.confidence}
        for attr in _AMOUNTS:
            if getattr(rel, attr) is not None:
                item[attr] = getattr(rel, attr).as_dict()
        for attr in ("date", "role"):
            if getattr(rel, attr) is not None:
                item[attr] = getattr(rel, attr)
        relations.append(item)
    return {
        "document": {k: getattr(doc, k) for k in _DOCUMENT_FIELDS if getattr(doc, k) is not None},
        "entities": [{"name": e.name, "type": e.type, "aliases": list(e.aliases), "mentions": e.mentions}
                     for e in extraction.entities],
        "relations": relations,
    }


def record_from_dict(data: dict) -> Extraction:
    """The inverse of ``record_to_dict`` (with an empty article text).

    Every field is checked against the record dataclasses (``extract/model.py``) by
    pydantic; a value of the wrong shape raises ``SchemaError`` naming the field:

    >>> record_from_dict({"document": {"id": "d1"}, "entities": [{"name": 5, "type": "Company"}],
    ...                   "relations": []})
    Traceback (most recent call last):
    ...
    newsgraph.errors.SchemaError: entities.0.name: Input should be a valid string (got 5)
    """
    document = data.get("document")
    if isinstance(document, dict):
        data = {**data, "document": {**{k: document.get(k) for k in _DOCUMENT_FIELDS}, "text": ""}}
    try:
        record = _record_type().validate_python(data)
    except ValidationError as exc:
        raise SchemaError(_first_problem(exc)) from None
    for entity in record.entities:
        if entity.type not in ENTITY_TYPES:
            raise SchemaError(f"entities: unknown type {entity.type[:40]!r}; known: {', '.join(ENTITY_TYPES)}")
    for relation in record.relations:
        if relation.relation not in RELATION_TYPES:
            raise SchemaError(f"relations: unknown relation {relation.relation[:40]!r}; "
                              f"known: {', '.join(RELATION_TYPES)}")
    return record


@lru_cache(maxsize=1)
def _record_type() -> TypeAdapter:
    return TypeAdapter(Extraction)


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"]) or "record"
    got = error.get("input")
    shown = "" if isinstance(got, (dict, list)) else f" (got {str(got)[:40]!r})" if isinstance(got, str) \
        else f" (got {got!r})"
    return f"{where}: {error['msg']}{shown}"


def generate_state(merger: GraphMerger, *, model: str) -> Iterator[str]:
    """The state file's lines: a header, then one record per document sorted by id."""
    yield json.dumps({"format": STATE_FORMAT, "model": model, "rules": rules_fingerprint(),
                      "documents": len(merger)}, ensure_ascii=False) + "\n"
    for record in merger.extractions():
        yield json.dumps(record_to_dict(record), ensure_ascii=False, sort_keys=True) + "\n"


def write_state(merger: GraphMerger, out_dir: str | Path, *, model: str) -> Path:
    """Write the state of ``merger`` into the build folder ``out_dir``, atomically."""
    path = atomic_write(state_path(out_dir), generate_state(merger, model=model))
    # a run killed while writing the state leaves its temporary file (exports/atomic.py);
    # this run's is renamed by now, so any left is such a leftover
    for leftover in path.parent.glob(f".{STATE_FILE}.*.tmp"):
        leftover.unlink(missing_ok=True)
    return path


def load_state(out_dir: str | Path, *, model: str) -> GraphMerger:
    """The records of the build in ``out_dir`` (none when the folder does not exist yet).

    Raises ``InputError`` when ``out_dir`` holds a build without a state, a state made
    with another spaCy model (its records would not match the new ones), or a damaged one.
    """
    out_dir = Path(out_dir)
    path = state_path(out_dir)
    if not path.exists():
        if out_dir.exists() and any(out_dir.iterdir()):
            raise InputError(f"{out_dir}: not a newsgraph build folder with a build state "
                             f"({STATE_DIR}/{STATE_FILE} is missing); build it with -o first")
        return GraphMerger()
    merger = GraphMerger()
    try:
        with open(path, encoding="utf-8") as fh:
            header = _parse(path, 1, fh.readline())
            if header.get("format") != STATE_FORMAT:
                raise InputError(f"{path}:1: expected a {STATE_FORMAT} header, "
                                 f"got {str(header.get('format'))[:40]!r}")
            if header.get("model") != model:
                raise InputError(f"{out_dir} was built with the spaCy pipeline {header.get('model')!r}, "
                                 f"not {model!r}; add to it with --model {header.get('model')}")
            if header.get("rules") != rules_fingerprint():
                # records of other extraction rules would not match what this version finds
                raise InputError(f"{out_dir} was built by another version of newsgraph's extraction "
                                 "rules; rebuild it with -o")
            for number, line in enumerate(fh, 2):
                try:
                    merger.add(record_from_dict(_parse(path, number, line)))
                except SchemaError as exc:
                    raise InputError(f"{path}:{number}: not a document record ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the build state ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text at byte {exc.start} (a damaged file; rebuild with -o)"
                         ) from None
    if len(merger) != header.get("documents"):
        raise InputError(f"{path}: holds {len(merger)} documents, its header says "
                         f"{header.get('documents')} (a damaged file; rebuild with -o)")
    return merger


def _parse(path: Path, number: int, line: str) -> dict:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{number}: invalid JSON ({exc.msg} at column {exc.colno})") from exc
    except RecursionError:
        raise InputError(f"{path}:{number}: JSON nested too deeply to be a document record") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}:{number}: expected a JSON object")
    return data

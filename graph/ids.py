"""Names to keys and ids: how two surface forms are found to be one entity, and its stable id.

``name_key`` is the comparison form of a name (case, punctuation, "the", possessive
and corporate suffixes removed), so "Roche Holding AG", "Roche" and "ROCHE" meet.
``node_id`` derives a readable id from an entity's type and canonical name; names
that a slug would blur get a short hash so distinct names never share an id.

>>> name_key("The Eli Lilly and Co.")
'eli lilly'
>>> name_key("Roche Holding AG")
'roche'
>>> node_id("Company", "Eli Lilly")
'company:eli-lilly'
>>> node_id("Company", "AT&T")
'company:at-t--bdc7e742'
>>> node_id("Company", "AT T bdc7e742")
'company:at-t-bdc7e742'
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from newsgraph.extract.names import name_key

__all__ = ["name_key", "node_id"]

_SIMPLE = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


def node_id(entity_type: str, name: str) -> str:
    """A stable id from type and canonical name: readable, and distinct for distinct names."""
    folded = unicodedata.normalize("NFKC", name).strip()
    prefix = re.sub(r"[^a-z0-9]+", "", entity_type.lower()) or "entity"
    slug = re.sub(r"[^\w]+", "-", folded.lower()).strip("-")
    if _SIMPLE.fullmatch(" ".join(folded.lower().split())) and " ".join(folded.split()) == folded:
        # plain ASCII words: the slug loses only case, which merging already ignores
        return f"{prefix}:{slug}"
    digest = hashlib.sha256(f"{entity_type}\x00{folded}".encode("utf-8")).hexdigest()[:8]
    # "--" before the digest: no slug holds two dashes in a row, so a plain name that ends in
    # what looks like a digest ("AT T bdc7e742") can never take the id of a hashed one ("AT&T")
    return f"{prefix}:{slug or 'x'}--{digest}"

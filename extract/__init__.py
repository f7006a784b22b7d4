"""The extract stage: article files -> documents -> entities and relation candidates.

spaCy lives here and only here; what leaves this package are the plain records of
``newsgraph.extract.model``.
"""
from .ingest import IngestReport, iter_documents
from .model import Amount, Document, Entity, Evidence, Extraction, Relation

__all__ = ["Amount", "Document", "Entity", "Evidence", "Extraction", "IngestReport",
           "Relation", "iter_documents"]

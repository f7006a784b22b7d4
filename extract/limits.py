"""Limits that keep one bad input from taking the machine: over-long sentences are split before parsing.

A scraped page can hold a megabyte of words with no full stop (a keyword list, a
broken template). spaCy's parser and newsgraph's relation rules then see one
"sentence" of 100,000 tokens; time and memory grow far faster than the text (30,000
words in one sentence took 31 s and 700 MB). The ``newsgraph_sentence_limit_v1``
component runs after the line-break component and before the parser: whenever a
sentence grows past ``max_chars`` characters it starts a new one, at the last comma,
semicolon or dash in the final quarter of the window when there is one, else at the
token that crosses the limit. The parser keeps preset sentence starts, so it never sees
a longer sentence. The number of sentences split is kept in ``doc.user_data`` under
``SPLIT_KEY``; ``newsgraph.build`` turns it into a warning naming the file.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> limit = SentenceLimit(max_chars=20)
>>> doc = limit(nlp("one two three four five six seven eight nine ten"))
>>> [t.text for t in doc if t.is_sent_start]
['one', 'five', 'nine']
>>> doc.user_data[SPLIT_KEY]
1
"""
from __future__ import annotations

#: default longest sentence, in characters, handed to the parser (about 3,000 words)
DEFAULT_MAX_SENTENCE_CHARS = 20_000
COMPONENT = "newsgraph_sentence_limit_v1"
NAME = "newsgraph_sentence_limit"
#: ``doc.user_data`` key: how many over-long sentences this document had
SPLIT_KEY = "newsgraph_split_sentences"
_SENTENCE_ENDS = frozenset({".", "!", "?", "。", "！", "？"})
_SOFT_BREAKS = frozenset({",", ";", ":", "—", "–", "--", "-", "|", "·", "•"})


class SentenceLimit:
    """Start a new sentence wherever one would grow past ``max_chars`` characters."""

    def __init__(self, max_chars: int = DEFAULT_MAX_SENTENCE_CHARS):
        self.max_chars = max_chars

    def __call__(self, doc):
        limit = max(int(self.max_chars), 1)
        if len(doc.text) <= limit:
            return doc
        split_sentences = 0
        start = 0  # where the current stretch without a sentence end starts (characters)
        soft = None  # token after the last soft break in the stretch's last quarter
        counted = False
        for token in doc:
            if token.i and (token.is_sent_start or doc[token.i - 1].text in _SENTENCE_ENDS):
                # a line break (set before) or a full stop: the parser will end the sentence here
                start, soft, counted = token.idx, None, False
            elif token.idx + len(token) - start > limit and token.i > 0:
                at = soft if soft is not None else token.i
                doc[at].is_sent_start = True
                split_sentences += not counted
                counted = True
                start, soft = doc[at].idx, None
            if token.text in _SOFT_BREAKS and token.idx - start >= limit * 3 // 4 \
                    and token.i + 1 < len(doc):
                soft = token.i + 1
        doc.user_data[SPLIT_KEY] = split_sentences
        return doc


def add_sentence_limit(nlp, max_chars: int = DEFAULT_MAX_SENTENCE_CHARS) -> SentenceLimit:
    """Add (once) the sentence limit before the parser, after newsgraph's line-break component."""
    from spacy.language import Language

    if NAME in nlp.pipe_names:
        component = nlp.get_pipe(NAME)
        component.max_chars = max_chars
        return component
    if not Language.has_factory(COMPONENT):
        Language.factory(COMPONENT, default_config={"max_chars": DEFAULT_MAX_SENTENCE_CHARS},
                         func=lambda nlp, name, max_chars: SentenceLimit(max_chars))
    return nlp.add_pipe(COMPONENT, name=NAME, before="parser", config={"max_chars": max_chars})

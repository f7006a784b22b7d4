"""Limits that keep one bad input from taking the machine: over-long sentences are split before parsing.

A scraped page can hold a megabyte of words with no full stop (a keyword list, a
broken template). spaCy's parser and newsgraph's relation rules then see one
"sentence" of 100,000 tokens; time and memory grow far faster than the text (30,000
words in one sentence took 31 s and 700 MB). ``split_points`` finds, from the text
alone, where such a stretch (longer than ``max_chars`` with no sentence end or line
break) must be cut: at the last comma, semicolon or dash in the final quarter of the
window when there is one, else at the last space. The ``newsgraph_sentence_limit_v1``
component, placed right before the parser, starts a sentence at each of those points;
the parser keeps preset sentence starts, so it never sees a longer sentence. Because the
points depend on the text only, ``newsgraph.build`` reports them (a warning naming the
file) while reading, wherever the parsing then runs.

>>> split_points("one two three four five, six seven eight nine ten", 20)
[19, 35]
>>> split_points("Short. Sentences. Only.", 12)
[]
>>> import spacy
>>> doc = SentenceLimit(max_chars=20)(spacy.blank("en")("one two three four five, six seven eight nine ten"))
>>> [t.text for t in doc if t.is_sent_start]
['one', 'five', 'eight']
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

#: default longest stretch without a sentence end handed to the parser (about 3,000 words)
DEFAULT_MAX_SENTENCE_CHARS = 20_000
COMPONENT = "newsgraph_sentence_limit_v1"
NAME = "newsgraph_sentence_limit"
# where a sentence surely ends: a full stop (or ! ?) before a space, or a line break
_SENTENCE_END = re.compile(r"[.!?。！？](?=\s)|\n")
# where a cut reads least badly: after a comma, semicolon, colon or dash and its space
_SOFT_BREAK = re.compile(r"(?:[,;:|·•]|\s[-–—])\s+")


def split_points(text: str, max_chars: int = DEFAULT_MAX_SENTENCE_CHARS) -> list[int]:
    """Character offsets where a new sentence must start so that none is longer than ``max_chars``."""
    limit = max(int(max_chars), 1)
    if len(text) <= limit:
        return []
    points: list[int] = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        while end - start > limit:
            window = text[start:start + limit]
            cut = None
            for soft in _SOFT_BREAK.finditer(window, limit * 3 // 4):
                cut = start + soft.end()
            if cut is None:
                space = window.rfind(" ", limit // 2)
                cut = start + space + 1 if space > 0 else start + limit
            if cut >= end:
                break
            points.append(cut)
            start = cut
        start = max(start, end)
    return points


def passages_split(text: str, max_chars: int = DEFAULT_MAX_SENTENCE_CHARS) -> int:
    """How many stretches of ``text`` without a sentence end ``split_points`` cuts (for the warning)."""
    points = split_points(text, max_chars)
    if not points:
        return 0
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    # points in the same stretch share the sentence end before them
    return len({bisect_left(ends, p) for p in points})


class SentenceLimit:
    """Start a sentence at every ``split_points`` offset of the document's text."""

    def __init__(self, max_chars: int = DEFAULT_MAX_SENTENCE_CHARS):
        self.max_chars = max_chars

    def __call__(self, doc):
        points = split_points(doc.text, self.max_chars)
        if not points:
            return doc
        starts = [token.idx for token in doc]
        for point in points:
            # the token starting at the point, or the one a point falls inside (one huge "word")
            i = bisect_right(starts, point) - 1
            if i > 0:
                doc[i].is_sent_start = True
        return doc


#: longest run of characters without a space that spaCy's tokenizer gets whole
MAX_WORD_CHARS = 500
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD_CHARS + 1))


class GuardedTokenizer:
    """spaCy's tokenizer, except that a run of more than ``MAX_WORD_CHARS`` non-space characters
    becomes tokens of ``MAX_WORD_CHARS`` characters.

    spaCy strips a word's leading and trailing punctuation one character at a time, copying
    the rest each time: 24,000 characters of "[[[[...]]]]" took 63 s to tokenize, a
    megabyte would take hours. No real word is that long; the text (and so every offset)
    stays exactly the same.

    >>> import spacy
    >>> tokenizer = GuardedTokenizer(spacy.blank("en").tokenizer)
    >>> doc = tokenizer("Pfizer (" + "(" * 1200 + " bought it.")
    >>> doc.text == "Pfizer (" + "(" * 1200 + " bought it.", [len(t) for t in doc][:5]
    (True, [6, 500, 500, 201, 6])
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab

    def __call__(self, text: str):
        if not _LONG_WORD.search(text):
            return self.tokenizer(text)
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        position = 0
        for run in _LONG_WORD.finditer(text):
            self._add(text[position:run.start()], words, spaces)
            for start in range(run.start(), run.end(), MAX_WORD_CHARS):
                words.append(text[start:min(start + MAX_WORD_CHARS, run.end())])
                spaces.append(False)
            if run.end() < len(text) and text[run.end()] == " ":
                spaces[-1] = True
                position = run.end() + 1
            else:
                position = run.end()
        self._add(text[position:], words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    def _add(self, segment: str, words: list[str], spaces: list[bool]) -> None:
        for token in self.tokenizer(segment):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))

    # spaCy calls these when it saves or copies a pipeline
    def to_bytes(self, **kwargs):
        return self.tokenizer.to_bytes(**kwargs)

    def from_bytes(self, data, **kwargs):
        self.tokenizer.from_bytes(data, **kwargs)
        return self


def guard_tokenizer(nlp) -> None:
    """Wrap ``nlp``'s tokenizer in ``GuardedTokenizer`` (once)."""
    if not isinstance(nlp.tokenizer, GuardedTokenizer):
        nlp.tokenizer = GuardedTokenizer(nlp.tokenizer)


def add_sentence_limit(nlp, max_chars: int = DEFAULT_MAX_SENTENCE_CHARS) -> SentenceLimit:
    """Add (once) the sentence limit right before the parser; set its limit if it is there."""
    from spacy.language import Language

    if NAME in nlp.pipe_names:
        component = nlp.get_pipe(NAME)
        component.max_chars = max_chars
        return component
    if not Language.has_factory(COMPONENT):
        Language.factory(COMPONENT, default_config={"max_chars": DEFAULT_MAX_SENTENCE_CHARS},
                         func=lambda nlp, name, max_chars: SentenceLimit(max_chars))
    return nlp.add_pipe(COMPONENT, name=NAME, before="parser", config={"max_chars": max_chars})

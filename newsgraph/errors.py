"""The project's exceptions: one small hierarchy so callers can catch what newsgraph raises.

The CLI turns every ``NewsgraphError`` into a one-line message and a non-zero exit;
anything else is a bug and keeps its traceback.
"""


class NewsgraphError(Exception):
    """Base class of every error newsgraph raises on purpose."""


class InputError(NewsgraphError):
    """An input file or folder cannot be read or makes no sense."""


class SchemaError(NewsgraphError):
    """Data (a lexicon, a gold file, a graph) does not follow the expected shape."""


class ExportError(NewsgraphError):
    """An export cannot be written or the format is unknown."""


class ModelError(NewsgraphError):
    """The spaCy pipeline asked for is not installed or cannot be loaded."""

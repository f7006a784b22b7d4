"""newsgraph: news articles in, a knowledge graph out (graph.json, RDF, HTML, Neo4j).

The Python API mirrors the command line:

    >>> import newsgraph
    >>> graph = newsgraph.build(["seeds/"])            # doctest: +SKIP
    >>> newsgraph.write(graph, "json", "out/graph.json")  # doctest: +SKIP
"""
from newsgraph.errors import (ExportError, InputError, ModelError, NewsgraphError,
                              SchemaError)
from newsgraph.pipeline import BuildReport, build, write, write_all

__version__ = "0.1.0"
__all__ = ["BuildReport", "ExportError", "InputError", "ModelError", "NewsgraphError",
           "SchemaError", "build", "write", "write_all", "__version__"]

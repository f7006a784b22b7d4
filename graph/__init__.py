"""The graph stage: extraction records in, one merged ``networkx.MultiDiGraph`` out."""
from .build import (ENTITY_TYPES, RELATION_TYPES, SCHEMA_VERSION, UNDIRECTED, build_graph,
                    prune_graph)
from .ids import name_key, node_id
from .merge import GraphMerger

__all__ = ["ENTITY_TYPES", "GraphMerger", "RELATION_TYPES", "SCHEMA_VERSION", "UNDIRECTED", "build_graph",
           "name_key", "node_id", "prune_graph"]

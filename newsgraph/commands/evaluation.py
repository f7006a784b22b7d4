"""``newsgraph eval``: build a graph from articles and score it against gold annotations."""
from __future__ import annotations

import sys

import click

from newsgraph.options import fail, handle_errors, model_option


@click.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--min-relation-f1", type=float, default=None, help="Exit 1 below this relation F1.")
@click.option("--min-entity-f1", type=float, default=None, help="Exit 1 below this entity F1.")
@model_option
@handle_errors
def eval_command(gold, inputs, min_relation_f1, min_entity_f1, model):
    """Build the graph of INPUT... and print precision, recall and F1 against GOLD.

    \b
    Example:
      newsgraph eval ../shared/eval/gold/dev.json ../shared/corpus/dev
    """
    from newsgraph.evaluate import format_scores, load_gold, score_graph
    from newsgraph.pipeline import build

    load_gold(gold)  # a broken gold file fails before the slow part
    result = score_graph(gold, build(inputs, model=model))
    click.echo(format_scores(result))
    if (min_relation_f1 is not None and result["relations"].f1 < min_relation_f1) or (
            min_entity_f1 is not None and result["entities"].f1 < min_entity_f1):
        fail("scores below the threshold", 1)
    sys.exit(0)


COMMANDS = [eval_command]

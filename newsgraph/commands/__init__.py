"""Subcommands beyond ``build``: one module per area, each with a ``COMMANDS`` list of click commands.

``newsgraph.cli`` adds every command it finds here, so a new area (query, serve, view,
load, ...) is one new file and no edit of the CLI.
"""

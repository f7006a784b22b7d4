"""``python -m newsgraph``: the ``newsgraph`` command, for environments whose scripts folder is not on PATH."""
from newsgraph.cli import main

if __name__ == "__main__":  # importing the module (doctests, tools) runs nothing
    main(prog_name="newsgraph")

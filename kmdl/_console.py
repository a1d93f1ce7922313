"""Entry point of the ``kmdl`` console script.

Importing the command loads NumPy, SciPy and scikit-learn, which takes a few
seconds. This module imports nothing heavy itself, so a Ctrl-C during those
seconds prints one line and exits with status 130 instead of a traceback.
"""

import sys

EXIT_INTERRUPTED = 130


def main(argv=None):
    """Import and run :func:`kmdl.cli.main`; return its exit status."""
    try:
        from kmdl.cli import main as run_command
    except KeyboardInterrupt:
        print("kmdl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return run_command(argv)

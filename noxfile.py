"""Developer tasks. Run ``python3 -m pip install nox`` once, then ``nox -s NAME``.

Sessions:
    tests  the test suite (pytest)
    docs   the site, every page executed, into docs/_build/html
"""

from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
nox.options.sessions = ["tests", "docs"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session):
    """Run the test suite; extra arguments go to pytest."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def docs(session):
    """Build the HTML site with every page executed on the digits."""
    session.install("-e", ".[docs]")
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-b",
        "html",
        "docs",
        "docs/_build/html",
        *session.posargs,
    )

"""The hosting files build the site the way `nox -s docs` does.

Read the Docs cannot be run here, so these tests check the parts of
.readthedocs.yaml that decide whether its build can work at all.
"""

import ast
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[1]


def noxfile_constant(name):
    """Return the value of a top-level constant in noxfile.py, without importing nox."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"noxfile.py defines no {name}")


@pytest.fixture(scope="module")
def readthedocs():
    return yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))


def test_readthedocs_installs_docs_packages(readthedocs):
    # Read the Docs ignores apt_packages when build.commands is set, and its
    # builds cannot run apt-get themselves, so the font must come from here.
    build = readthedocs["build"]
    assert "commands" not in build
    assert set(noxfile_constant("DOCS_DEBIAN_PACKAGES")) <= set(build["apt_packages"])


def test_readthedocs_runs_nox_docs(readthedocs):
    html_steps = readthedocs["build"]["jobs"]["build"]["html"]
    assert html_steps[0].endswith("nox -s docs")
    assert "cp -r docs/_build/html/. $READTHEDOCS_OUTPUT/html/" in html_steps
    assert any("pip install nox" in step for step in readthedocs["build"]["jobs"]["install"])


def test_hosts_use_same_python(readthedocs):
    workflow = yaml.safe_load((ROOT / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    container = workflow["jobs"]["build"]["container"]
    assert container.startswith(f"python:{readthedocs['build']['tools']['python']}-")

"""Give sphinx.ext.viewcode the kmdl sources without importing kmdl.

viewcode (Sphinx 9.0.4) finds a module's source with
``ModuleAnalyzer.get_module_source``, which imports the module. It does so on
every HTML build, also when nothing changed, to compare the source file's time
with its ``_modules`` page. Importing a module of ``kmdl.deep`` such as
``kmdl.deep.dec`` imports Keras and TensorFlow: in a profiled no-change
rebuild of the Chinese site on a shared two-core machine that took 14 of 39
seconds.

This extension handles viewcode's ``viewcode-find-source`` event for the
packages in ``kmdl_cache_key_packages``. It locates the module's file without
importing it and lets Sphinx's ``ModuleAnalyzer`` parse that file. viewcode
then writes the ``_modules`` source pages on every build, because it skips
them only when it found the file itself. Highlighting those few files costs
far less than the import, and the documentation pages are still not written.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
from pathlib import Path

from sphinx.errors import PycodeError
from sphinx.pycode import ModuleAnalyzer


def find_module_file(modname: str) -> Path | None:
    """Return the ``.py`` file of ``modname``, or None, without importing it.

    ``find_spec`` of a top-level package only locates it (an editable install
    included); the submodules are then looked up as files under its folder.
    """
    top, *rest = modname.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None:
        return None
    if not rest:
        return Path(spec.origin) if spec.origin else None
    for location in spec.submodule_search_locations or []:
        base = Path(location, *rest)
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                return candidate
    return None


def find_source(app, modname: str):
    """Return (source, tags) for a module of the project's packages, else None."""
    packages = getattr(app.config, "kmdl_cache_key_packages", ["kmdl"])
    if modname.split(".")[0] not in packages:
        return None
    path = find_module_file(modname)
    if path is None or path.suffix not in importlib.machinery.SOURCE_SUFFIXES:
        return None
    try:
        analyzer = ModuleAnalyzer.for_file(path, modname)
        analyzer.analyze()
    except PycodeError:
        return None
    return analyzer.code, analyzer.find_tags()


def setup(app):
    app.setup_extension("sphinx.ext.viewcode")
    app.connect("viewcode-find-source", find_source)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Make MyST-NB's execution cache notice changes to kmdl, not only to a page's code.

MyST-NB's ``cache`` mode stores executed notebooks in jupyter-cache, which keys
each notebook on its code cells (source and cell metadata) and its kernelspec
(``JupyterCacheBase.create_hashed_notebook`` in jupyter-cache 1.0). A change
inside ``kmdl`` therefore leaves the old outputs on every page, and so does an
upgrade of scikit-learn or TensorFlow.

This extension appends one extra code cell, tagged ``remove-cell``, to each
MyST Markdown notebook when Sphinx reads it. The cell is a Python comment that
contains hashes of what the outputs depend on besides the page's own code:

* the modules of each package in ``kmdl_cache_key_packages`` (default
  ``kmdl``) that the page imports, with the modules they import in turn and the
  package's non-Python files, found on ``sys.path`` without importing it;
* the data files matched by ``kmdl_cache_key_files`` (globs relative to the
  Sphinx source folder), for every notebook page;
* the installed versions of ``kmdl_cache_key_distributions`` and of Python,
  for every notebook page;
* the files that the page lists under ``kmdl_cache_depends`` in its front
  matter (paths relative to the Sphinx source folder), for that page only.

The cell takes part in the notebook hash, so a change to any of these makes the
page's cache entry miss and the page runs again. A change to prose changes no
code cell and runs nothing. The cell contains only a comment, so running it costs
nothing. It is removed from the page, and kmdl_launch removes it from the
page's downloadable ``.ipynb``.

Sphinx rereads only pages whose source changed. The key of each page is kept in
the build environment, and ``env-get-outdated`` marks a page outdated when its
key differs from the one it was last read with.

Sphinx also writes only the pages it reread, so adding a page or changing a
title leaves the old sidebar and previous/next links on every other page. When
the titles or the tables of contents differ from the last build, every page is
written again (from the stored doctrees, without executing anything).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import importlib.util
import platform
import re
from pathlib import Path

import yaml
from myst_nb.core.read import is_myst_markdown_notebook
from sphinx.util import logging

logger = logging.getLogger(__name__)

DEFAULT_DISTRIBUTIONS = (
    "numpy",
    "scipy",
    "scikit-learn",
    "tensorflow",
    "keras",
    "matplotlib",
)

# Files that Python writes next to the sources and that do not change behaviour.
_SKIPPED_DIRS = {"__pycache__", ".ipynb_checkpoints"}
_SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def hash_files(paths, root):
    """Return the SHA-256 hex digest of files' paths relative to ``root`` and contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def package_files(directory):
    """Return every file under a package directory, except Python caches."""
    directory = Path(directory)
    return [
        path
        for path in directory.rglob("*")
        if path.is_file()
        and not _SKIPPED_DIRS.intersection(path.relative_to(directory).parts)
        and path.suffix not in _SKIPPED_SUFFIXES
    ]


def find_package_dir(name):
    """Return the directory of an importable package without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(
            f"kmdl_cache_key_packages names {name!r}, which is not an importable "
            "package; install it or remove it from kmdl_cache_key_packages in conf.py."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def distribution_versions(names):
    """Return ``name==version`` strings, with ``name==missing`` for absent distributions."""
    versions = [f"python=={platform.python_version()}"]
    for name in names:
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}==missing")
    return versions


IMPORT_LINE = re.compile(r"^[ \t]*import[ \t]+([\w. \t,]+)", re.MULTILINE)
FROM_LINE = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.MULTILINE)


def imported_names(text):
    """Return the dotted names that the ``import`` and ``from`` lines of ``text`` name.

    ``from a.b import c, d`` gives ``a.b``, ``a.b.c`` and ``a.b.d``, because
    ``c`` may be a submodule; names that are not modules are dropped later.
    """
    names = set()
    for match in IMPORT_LINE.finditer(text):
        for part in match.group(1).split(","):
            words = part.split()
            if words:
                names.add(words[0])
    for match in FROM_LINE.finditer(text):
        module = match.group(1)
        names.add(module)
        for part in match.group(2).strip("()").split(","):
            words = part.split()
            if words and words[0] != "*":
                names.add(f"{module}.{words[0]}")
    return names


class PackageModules:
    """The modules of one package, the imports between them, and their hashes.

    Imports are read with ``ast`` from every module, inside functions too, and a
    string constant that names one of the package's modules counts as an import,
    because registries load modules by name with ``importlib.import_module``.
    """

    def __init__(self, name, directory):
        self.name = name
        self.directory = Path(directory)
        self.files = {}
        data_files = []
        for path in package_files(self.directory):
            if path.suffix == ".py":
                self.files[self.module_name(path)] = path
            else:
                data_files.append(path)
        self.data_hash = hash_files(data_files, self.directory)
        self.imports = {module: self.read_imports(module) for module in self.files}

    def module_name(self, path):
        parts = list(path.relative_to(self.directory).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join([self.name, *parts])

    def read_imports(self, module):
        path = self.files[module]
        tree = ast.parse(path.read_bytes(), filename=str(path))
        is_package = path.name == "__init__.py"
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = self.resolve_relative(module, node.module, node.level, is_package)
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)
        return self.known(names)

    @staticmethod
    def resolve_relative(module, target, level, is_package):
        if level == 0:
            return target or ""
        parts = module.split(".")
        keep = len(parts) - level + (1 if is_package else 0)
        base = parts[:keep]
        return ".".join(base + ([target] if target else []))

    def known(self, names):
        """Return the names that are modules of this package, with their parent packages."""
        found = set()
        for name in names:
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                candidate = ".".join(parts[:end])
                if candidate in self.files:
                    found.add(candidate)
        return found

    def closure(self, modules):
        """Return ``modules`` and every module of the package that they import, recursively."""
        seen = set()
        stack = list(self.known(modules))
        while stack:
            module = stack.pop()
            if module not in seen:
                seen.add(module)
                stack.extend(self.imports[module] - seen)
        return sorted(seen)

    def hash_modules(self, modules):
        """Hash the files of ``modules`` and the package's non-Python files."""
        files = [self.files[module] for module in modules]
        return hashlib.sha256(
            (hash_files(files, self.directory) + self.data_hash).encode()
        ).hexdigest()


def imported_modules(text, packages):
    """Return {package: sorted names it imports} for the packages that ``text`` imports.

    NOTE: only ``import`` and ``from`` lines count; a page that loads a module by
    name (``importlib.import_module("kmdl.x")``) must also import it plainly.
    """
    names = imported_names(text)
    found = {}
    for package in packages:
        modules = sorted(
            name for name in names if name == package or name.startswith(f"{package}.")
        )
        if modules:
            found[package] = modules
    return found


def front_matter_depends(text):
    """Return the ``kmdl_cache_depends`` list of a page's YAML front matter, or []."""
    match = re.match(r"---\n(.*?)\n---\s*\n", text, flags=re.DOTALL)
    if match is None:
        return []
    front_matter = yaml.safe_load(match.group(1)) or {}
    depends = front_matter.get("kmdl_cache_depends", [])
    if isinstance(depends, str):
        depends = [depends]
    return sorted(str(path) for path in depends)


class CacheKeyInputs:
    """Hashes of the packages, data files and versions that page outputs depend on."""

    def __init__(self, config, srcdir):
        self.packages = {
            name: PackageModules(name, find_package_dir(name))
            for name in config.kmdl_cache_key_packages
        }

        srcdir = Path(srcdir)
        data_files = set()
        for pattern in config.kmdl_cache_key_files:
            data_files.update(p for p in srcdir.glob(pattern) if p.is_file())
        self.data_hash = hash_files(data_files, srcdir)

        versions = "\n".join(distribution_versions(config.kmdl_cache_key_distributions))
        self.versions_hash = hashlib.sha256(versions.encode()).hexdigest()
        self.srcdir = srcdir

    def page_files_hash(self, depends):
        """Hash the files a page lists in ``kmdl_cache_depends``; a missing file hashes too."""
        digest = hashlib.sha256()
        for name in depends:
            path = self.srcdir / name
            digest.update(name.encode() + b"\0")
            digest.update(path.read_bytes() if path.is_file() else b"missing")
            digest.update(b"\0")
        return digest.hexdigest()

    def key_lines(self, imports, depends=()):
        """Return the key's comment lines for a page; ``imports`` maps package to names."""
        lines = []
        for name, names in sorted(imports.items()):
            package = self.packages[name]
            modules = package.closure(names)
            lines.append(f"# {name} modules: {' '.join(modules)}")
            lines.append(f"# {name} sources sha256={package.hash_modules(modules)}")
        lines.append(f"# data files sha256={self.data_hash}")
        lines.append(f"# package versions sha256={self.versions_hash}")
        if depends:
            lines.append(f"# page files sha256={self.page_files_hash(depends)}")
        return lines


def key_cell(lines):
    """Return a MyST code cell, tagged remove-cell, that contains the key lines."""
    body = "\n".join(
        ["# Cache key added by docs/_ext/kmdl_cache_key.py; it is not part of the page."]
        + lines
    )
    return f"\n\n```{{code-cell}} ipython3\n:tags: [remove-cell]\n\n{body}\n```\n"


def on_builder_inited(app):
    app.env.kmdl_cache_key_inputs = CacheKeyInputs(app.config, app.srcdir)
    if not hasattr(app.env, "kmdl_cache_keys"):
        app.env.kmdl_cache_keys = {}


def on_env_get_outdated(app, env, added, changed, removed):
    inputs = env.kmdl_cache_key_inputs
    outdated = []
    for docname, entry in env.kmdl_cache_keys.items():
        if docname in removed or docname in changed:
            continue
        # An entry stored by an older version of this extension has another shape.
        if not isinstance(entry, tuple) or len(entry) != 3 or not isinstance(entry[0], dict):
            outdated.append(docname)
            continue
        imports, depends, lines = entry
        if inputs.key_lines(imports, depends) != lines:
            outdated.append(docname)
    if outdated:
        logger.info(
            "kmdl_cache_key: %d page(s) depend on changed packages, data or versions: %s",
            len(outdated),
            ", ".join(sorted(outdated)),
        )
    return outdated


def on_source_read(app, docname, source):
    text = source[0]
    if not is_myst_markdown_notebook(text):
        return
    imports = imported_modules(text, app.config.kmdl_cache_key_packages)
    depends = front_matter_depends(text)
    lines = app.env.kmdl_cache_key_inputs.key_lines(imports, depends)
    app.env.kmdl_cache_keys[docname] = (imports, depends, lines)
    source[0] = text.rstrip("\n") + key_cell(lines)


def navigation_fingerprint(env):
    """Hash every page's title and every table of contents of the environment."""
    titles = {docname: env.titles[docname].astext() for docname in sorted(env.titles)}
    toctrees = {docname: list(children) for docname, children in env.toctree_includes.items()}
    text = json.dumps([titles, toctrees], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def on_env_get_updated(app, env):
    fingerprint = navigation_fingerprint(env)
    previous = getattr(env, "kmdl_navigation_fingerprint", None)
    env.kmdl_navigation_fingerprint = fingerprint
    if previous is None or previous == fingerprint:
        return []
    logger.info("kmdl_cache_key: titles or tables of contents changed; writing every page")
    return sorted(env.found_docs)


def on_env_purge_doc(app, env, docname):
    getattr(env, "kmdl_cache_keys", {}).pop(docname, None)


def on_env_merge_info(app, env, docnames, other):
    for docname in docnames:
        if docname in other.kmdl_cache_keys:
            env.kmdl_cache_keys[docname] = other.kmdl_cache_keys[docname]


def setup(app):
    app.setup_extension("myst_nb")
    app.add_config_value("kmdl_cache_key_packages", ["kmdl"], "env", list)
    app.add_config_value("kmdl_cache_key_files", [], "env", list)
    app.add_config_value(
        "kmdl_cache_key_distributions", list(DEFAULT_DISTRIBUTIONS), "env", list
    )
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("source-read", on_source_read)
    app.connect("env-get-updated", on_env_get_updated)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Public names of a package, imported on first use (PEP 562)."""

from importlib import import_module


def lazy_exports(package, exports):
    """Return ``__getattr__`` and ``__dir__`` functions that load ``exports`` on first use.

    Parameters
    ----------
    package : str
        Name of the package. Each name is stored in its namespace once loaded,
        and the error for an unknown name gives it.
    exports : dict of str to str
        Public name to the module that defines it.

    Returns
    -------
    tuple of two functions
        Assign them to the package's ``__getattr__`` and ``__dir__``.
    """
    namespace = import_module(package).__dict__

    def __getattr__(name):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(exports[name]), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__

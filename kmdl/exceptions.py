"""Exceptions raised by kmdl."""


class DataError(ValueError):
    """Input data that kmdl cannot use as given.

    The message names the problem and the fix. The command line prints it as a
    one-line error and exits with status 2.
    """


class DatasetUnavailableError(RuntimeError):
    """A data set that must be downloaded could not be fetched."""

"""Shared fixtures. TensorFlow's log level is set before anything imports it."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402

from kmdl.data import load_digits  # noqa: E402


@pytest.fixture(scope="session")
def digits():
    """The bundled digits, loaded once per test run."""
    return load_digits()

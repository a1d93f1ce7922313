"""Seeding and small helpers shared by the estimators."""

import os

import numpy as np

# Keras 3 reads KERAS_BACKEND at import time. TensorFlow prints its C++ start-up
# log unless TF_CPP_MIN_LOG_LEVEL is set before the import. Both are defaults
# only: a value the user exported wins.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def set_seed(seed):
    """Seed Python, NumPy and TensorFlow, and make TensorFlow ops deterministic.

    Parameters
    ----------
    seed : int
        Seed for every random number generator that kmdl uses.

    Notes
    -----
    ``keras.utils.set_random_seed`` seeds Python's ``random``, NumPy's global
    generator and TensorFlow. ``tf.config.experimental.enable_op_determinism``
    then makes the same seed give the same weights on the same CPU. It stays on
    for the rest of the process.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()


#: Largest int seed, the upper end of what numpy.random.RandomState accepts.
MAX_SEED = 2**32 - 1


def check_random_state_seed(random_state):
    """Return an int seed drawn from ``random_state`` for Keras and NumPy alike.

    ``None`` draws a fresh seed, an int is used as is, and a
    ``numpy.random.RandomState`` or ``Generator`` supplies one draw.
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0] % (2**31 - 1))
    if isinstance(random_state, (int, np.integer)):
        if not 0 <= random_state <= MAX_SEED:
            raise ValueError(
                f"random_state={random_state!r} is invalid: pass an int from 0 to {MAX_SEED}, "
                "the range that NumPy accepts as a seed."
            )
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**31 - 1))
    raise ValueError(
        f"random_state={random_state!r} is invalid: pass None, an int, "
        "a numpy.random.RandomState or a numpy.random.Generator."
    )

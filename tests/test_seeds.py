"""Seeds: every kmdl estimator turns its random_state into one int seed."""

import numpy as np
import pytest

from kmdl.utils import MAX_SEED, check_random_state_seed


@pytest.mark.parametrize("seed", [0, 7, MAX_SEED, np.int64(3)])
def test_int_seed_used_as_is(seed):
    assert check_random_state_seed(seed) == int(seed)


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1])
def test_seed_out_of_range_rejected(seed):
    with pytest.raises(ValueError, match=f"random_state={seed} is invalid: pass an int from 0 to {MAX_SEED}"):
        check_random_state_seed(seed)


def test_generators_give_repeatable_seeds():
    first = check_random_state_seed(np.random.RandomState(5))
    second = check_random_state_seed(np.random.RandomState(5))
    assert first == second
    assert 0 <= check_random_state_seed(np.random.default_rng(5)) <= MAX_SEED


def test_other_types_rejected():
    with pytest.raises(ValueError, match="random_state='a' is invalid"):
        check_random_state_seed("a")

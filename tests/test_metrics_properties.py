"""Property-based tests of the clustering metrics (Hypothesis)."""

from itertools import permutations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kmdl.metrics import clustering_accuracy, clustering_scores, match_clusters

# Up to 6 classes and 6 clusters keeps the brute-force check below cheap (6! = 720).
label_arrays = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
    )
)


def _relabel(values, seed):
    """Map each distinct value to a new, distinct id drawn from a wide range."""
    distinct = np.unique(values)
    new_ids = np.random.default_rng(seed).choice(10_000, size=distinct.size, replace=False) - 5_000
    lookup = dict(zip(distinct.tolist(), new_ids.tolist()))
    return np.array([lookup[value] for value in values.tolist()])


@settings(max_examples=100, deadline=None)
@given(label_arrays)
def test_accuracy_between_zero_and_one(pair):
    y_true, y_pred = map(np.array, pair)
    accuracy = clustering_accuracy(y_true, y_pred)
    assert 0.0 <= accuracy <= 1.0
    # Matching only the class and cluster of the largest contingency cell already
    # reaches that cell's count, so the best matching reaches at least as many.
    counts = np.zeros((6, 6), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    assert accuracy >= counts.max() / y_true.size - 1e-12


@settings(max_examples=100, deadline=None)
@given(label_arrays, st.integers(0, 2**32 - 1))
def test_accuracy_unchanged_by_renaming_clusters(pair, seed):
    y_true, y_pred = map(np.array, pair)
    renamed = _relabel(y_pred, seed)
    assert clustering_accuracy(y_true, renamed) == clustering_accuracy(y_true, y_pred)


@settings(max_examples=100, deadline=None)
@given(label_arrays, st.integers(0, 2**32 - 1))
def test_scores_unchanged_by_renaming_clusters(pair, seed):
    y_true, y_pred = map(np.array, pair)
    before = clustering_scores(y_true, y_pred)
    after = clustering_scores(y_true, _relabel(y_pred, seed))
    assert after["acc"] == before["acc"]
    assert np.isclose(after["nmi"], before["nmi"])
    assert np.isclose(after["ari"], before["ari"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=80), st.permutations(range(10)))
def test_accuracy_one_for_permuted_truth(y_true, permutation):
    y_true = np.array(y_true)
    y_pred = np.array(permutation)[y_true]
    assert clustering_accuracy(y_true, y_pred) == 1.0


@settings(max_examples=100, deadline=None)
@given(label_arrays)
def test_accuracy_equals_best_brute_force_matching(pair):
    y_true, y_pred = map(np.array, pair)
    # Try every one-to-one map from the 6 cluster ids to the 6 class ids.
    best = max(np.mean(np.array(image)[y_pred] == y_true) for image in permutations(range(6)))
    assert np.isclose(clustering_accuracy(y_true, y_pred), best)


@settings(max_examples=100, deadline=None)
@given(label_arrays)
def test_matching_is_one_to_one_and_realises_accuracy(pair):
    y_true, y_pred = map(np.array, pair)
    mapping = match_clusters(y_true, y_pred)
    assert len(set(mapping.values())) == len(mapping)
    matched = np.array([mapping.get(cluster, None) == truth for cluster, truth in zip(y_pred, y_true)])
    assert np.isclose(matched.mean(), clustering_accuracy(y_true, y_pred))

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from kmdl.metrics import clustering_accuracy, clustering_scores, match_clusters


def test_accuracy_permuted_labels_is_one():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 10, size=500)
    permutation = rng.permutation(10)
    assert clustering_accuracy(y_true, permutation[y_true]) == 1.0


def test_accuracy_matches_brute_force_best_permutation():
    from itertools import permutations

    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 4, size=60)
    y_pred = rng.integers(0, 4, size=60)
    best = max(np.mean(np.array(p)[y_pred] == y_true) for p in permutations(range(4)))
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(best)


def test_accuracy_more_clusters_than_classes():
    # Four classes, five clusters: cluster 4 splits class 3 and cannot be matched.
    y_true = np.array([0, 0, 1, 1, 2, 2, 3, 3, 3, 3])
    y_pred = np.array([1, 1, 2, 2, 0, 0, 3, 3, 4, 4])
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(0.8)
    mapping = match_clusters(y_true, y_pred)
    assert mapping == {1: 0, 2: 1, 0: 2, 3: 3}


def test_accuracy_any_label_values():
    y_true = np.array(["cat", "cat", "dog", "dog", "eel"])
    y_pred = np.array([-5, -5, 17, 17, 17])
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(0.8)


def test_accuracy_length_mismatch_raises():
    with pytest.raises(ValueError, match="y_true has 3 labels and y_pred has 2"):
        clustering_accuracy([0, 1, 2], [0, 1])


@pytest.mark.parametrize(
    ("y_true", "y_pred", "expected"),
    [
        ([0, 1, np.nan, np.nan], [0, 1, 2, 2], "y_true has a missing label \\(None or NaN\\) at index 2 \\(2 in all\\)"),
        ([0, 1, 1, 0], [0.0, np.nan, 1.0, 0.0], "y_pred has a missing label \\(None or NaN\\) at index 1 \\(1 in all\\)"),
        (["cat", np.nan, "dog", "dog"], [0, 1, 1, 1], "y_true has a missing label \\(None or NaN\\) at index 1"),
        ([0, 1, 1, 0], [0, 1, None, 1], "y_pred has a missing label \\(None or NaN\\) at index 2"),
        (np.array(["a", None, "b", "b"], dtype=object), [0, 1, 1, 1], "y_true has a missing label"),
        ([0, 1, 1, 0], np.eye(4)[:, :3], "y_pred has shape \\(4, 3\\).*argmax\\(axis=1\\)"),
    ],
)
def test_missing_or_matrix_labels_rejected(y_true, y_pred, expected):
    with pytest.raises(ValueError, match=expected):
        clustering_accuracy(y_true, y_pred)
    with pytest.raises(ValueError, match=expected):
        clustering_scores(y_true, y_pred)


def test_column_of_labels_accepted():
    assert clustering_accuracy(np.array([[0], [0], [1]]), [1, 1, 0]) == 1.0


def test_scores_agree_with_sklearn():
    rng = np.random.default_rng(2)
    y_true = rng.integers(0, 5, size=300)
    y_pred = np.where(rng.random(300) < 0.7, y_true, rng.integers(0, 5, size=300))
    scores = clustering_scores(y_true, y_pred)
    assert set(scores) == {"acc", "nmi", "ari"}
    assert scores["nmi"] == pytest.approx(normalized_mutual_info_score(y_true, y_pred))
    assert scores["ari"] == pytest.approx(adjusted_rand_score(y_true, y_pred))
    assert 0.7 < scores["acc"] < 1.0

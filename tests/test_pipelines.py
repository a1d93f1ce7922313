import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from kmdl.pipelines import PseudoLabelClassifier


@pytest.fixture(scope="module")
def split(digits):
    return train_test_split(digits.images, digits.labels, test_size=0.3, random_state=0, stratify=digits.labels)


@pytest.fixture(scope="module")
def fitted(split):
    X_train, _, _, _ = split
    return PseudoLabelClassifier(n_clusters=10, epochs=15, random_state=0).fit(X_train)


def test_pipeline_learns_kmeans_labels(fitted):
    assert fitted.labels_.shape == fitted.pseudo_labels_.shape
    assert fitted.agreement_ > 0.9
    assert fitted.model_.output_shape == (None, 10)


def test_pipeline_scores_against_true_labels(fitted, split):
    _, X_test, _, y_test = split
    report = fitted.evaluate(X_test, y_test)
    assert report["agreement"] > 0.85
    # K-means on digit pixels recovers most classes but not all of them.
    assert 0.6 < report["kmeans"]["acc"] < 0.95
    assert abs(report["network"]["acc"] - report["kmeans"]["acc"]) < 0.1
    assert fitted.score(X_test, y_test) == pytest.approx(report["network"]["acc"])


def test_pipeline_same_seed_same_result(split, fitted):
    X_train, _, _, _ = split
    again = PseudoLabelClassifier(n_clusters=10, epochs=15, random_state=0).fit(X_train)
    np.testing.assert_array_equal(again.labels_, fitted.labels_)
    assert again.history_["loss"] == fitted.history_["loss"]


def test_pipeline_rejects_wrong_width(fitted):
    with pytest.raises(ValueError, match="X has 16 features"):
        fitted.predict(np.zeros((2, 4, 4)))


@pytest.mark.parametrize("learning_rate", [-1, 0, float("nan"), "a", None])
def test_pipeline_rejects_bad_learning_rate(split, learning_rate):
    X_train, _, _, _ = split
    with pytest.raises(ValueError, match=f"learning_rate={learning_rate!r} is invalid"):
        PseudoLabelClassifier(n_clusters=10, epochs=1, learning_rate=learning_rate).fit(X_train)


def test_pipeline_accepts_integer_learning_rate(split):
    X_train, _, _, _ = split
    model = PseudoLabelClassifier(n_clusters=10, epochs=1, learning_rate=1, random_state=0).fit(X_train[:200])
    assert model.labels_.shape == (200,)

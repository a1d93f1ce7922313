"""Deep clustering with K-means at its heart.

The subpackage tests three links between K-means and deep learning:

- K-means initialises a deep model: :class:`DEC` starts its clustering layer
  from K-means centroids (or from random samples, to compare).
- K-means labels train a network: :class:`DeepCluster` alternates K-means on
  the network's embeddings with training the network on those pseudo-labels.
- K-means evaluates a network: :class:`KMeansProbe` clusters a network's
  embeddings of held-out data and scores them beside K-means on the pixels.

:class:`RecommendedClustering` is the pipeline the package recommends.

Every estimator follows scikit-learn's API (``fit``, ``predict``,
``fit_predict``, ``get_params``), takes one ``random_state`` seed that makes
its results repeat on the same CPU, and accepts an image stack
(n, h, w[, c]) or flat vectors (n, d). Importing this package imports Keras
and TensorFlow.
"""

from kmdl.deep.autoencoder import Autoencoder, build_autoencoder
from kmdl.deep.contrastive import ContrastiveEncoder, build_augmenter, nt_xent_loss
from kmdl.deep.dec import DEC, ClusteringLayer, target_distribution
from kmdl.deep.deepcluster import (
    DeepCluster,
    build_feature_network,
    reassign_empty_clusters,
    sample_uniformly_over_clusters,
)
from kmdl.deep.probe import KMeansProbe, embed_with
from kmdl.deep.recommended import RecommendedClustering, select_confident

__all__ = [
    "DEC",
    "Autoencoder",
    "ClusteringLayer",
    "ContrastiveEncoder",
    "DeepCluster",
    "KMeansProbe",
    "RecommendedClustering",
    "build_augmenter",
    "build_autoencoder",
    "build_feature_network",
    "embed_with",
    "nt_xent_loss",
    "reassign_empty_clusters",
    "sample_uniformly_over_clusters",
    "select_confident",
    "target_distribution",
]

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
(n, h, w[, c]) or flat vectors (n, d). Keras and TensorFlow are imported
with the first estimator a program uses, not with the package.
"""

from kmdl._lazy import lazy_exports

# Loaded on first use (PEP 562). kmdl.deep.benchmark runs each method in a
# process of its own and reports its peak memory, and a process that fits
# K-means must not load TensorFlow just by importing this package.
_EXPORTS = {
    "Autoencoder": "kmdl.deep.autoencoder",
    "build_autoencoder": "kmdl.deep.autoencoder",
    "ContrastiveEncoder": "kmdl.deep.contrastive",
    "build_augmenter": "kmdl.deep.contrastive",
    "nt_xent_loss": "kmdl.deep.contrastive",
    "DEC": "kmdl.deep.dec",
    "ClusteringLayer": "kmdl.deep.dec",
    "target_distribution": "kmdl.deep.dec",
    "DeepCluster": "kmdl.deep.deepcluster",
    "build_feature_network": "kmdl.deep.deepcluster",
    "reassign_empty_clusters": "kmdl.deep.deepcluster",
    "sample_uniformly_over_clusters": "kmdl.deep.deepcluster",
    "KMeansProbe": "kmdl.deep.probe",
    "embed_with": "kmdl.deep.probe",
    "RecommendedClustering": "kmdl.deep.recommended",
    "select_confident": "kmdl.deep.recommended",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

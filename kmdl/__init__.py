"""kmdl: K-means clustering and deep learning, measured.

The package behind the kmdl site: data loaders, clustering metrics, a teaching
K-means, small Keras models, and pipelines with scikit-learn's estimator API.
Keras and TensorFlow are imported only by the modules that need them.
"""

__version__ = "0.1.0"

from kmdl._lazy import lazy_exports  # noqa: E402

# The public names are imported on first use (PEP 562), so that importing
# kmdl, as the command does before anything else, loads no NumPy, SciPy or
# scikit-learn and a Ctrl-C during start-up ends cleanly.
_EXPORTS = {
    "DataError": "kmdl.exceptions",
    "DatasetUnavailableError": "kmdl.exceptions",
    "ImageDataset": "kmdl.data",
    "TeachingKMeans": "kmdl.kmeans",
    "clustering_accuracy": "kmdl.metrics",
    "clustering_scores": "kmdl.metrics",
    "load_dataset": "kmdl.data",
    "load_digits": "kmdl.data",
    "load_image_folder": "kmdl.data",
    "match_clusters": "kmdl.metrics",
    "save_image_folder": "kmdl.data",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

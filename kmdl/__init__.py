"""kmdl: K-means clustering and deep learning, measured.

The package behind the kmdl site: data loaders, clustering metrics, a teaching
K-means, small Keras models, and pipelines with scikit-learn's estimator API.
Keras and TensorFlow are imported only by the modules that need them.
"""

__version__ = "0.1.0"

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


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'kmdl' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))

"""kmdl: K-means clustering and deep learning, measured.

The package behind the kmdl site: data loaders, clustering metrics, a teaching
K-means, small Keras models, and pipelines with scikit-learn's estimator API.
Keras and TensorFlow are imported only by the modules that need them.
"""

__version__ = "0.1.0"

from kmdl.data import ImageDataset, load_dataset, load_digits, load_image_folder, save_image_folder
from kmdl.exceptions import DataError, DatasetUnavailableError
from kmdl.kmeans import TeachingKMeans
from kmdl.metrics import clustering_accuracy, clustering_scores, match_clusters

__all__ = [
    "DataError",
    "DatasetUnavailableError",
    "ImageDataset",
    "TeachingKMeans",
    "clustering_accuracy",
    "clustering_scores",
    "load_dataset",
    "load_digits",
    "load_image_folder",
    "match_clusters",
    "save_image_folder",
]

"""Named clustering methods that the ``kmdl`` command runs.

Each entry of :data:`METHODS` maps a name to a :class:`Method`: a one-line
summary and a factory ``factory(n_clusters, seed, epochs)`` that returns an
unfitted estimator with ``fit_predict`` or with ``fit`` and ``labels_``.
The cluster ids must be integers 0..n_clusters-1, one per image, or the
command stops with exit status 1.

Adding a method is one line in :data:`METHODS`. A factory given as the
string ``"module:function"`` is imported only when the method runs, so
listing the methods never imports TensorFlow.
"""

from dataclasses import dataclass
from importlib import import_module

#: Name of the method that ``kmdl run`` uses without ``--method``.
DEFAULT_METHOD = "recommended"

#: Input layouts a method can ask for. Both come from the same ImageDataset:
#: "images" is float32 of shape (n, height, width, channels) in [0, 1], and
#: "flat" is the same pixels reshaped to (n, height * width * channels).
INPUT_LAYOUTS = ("images", "flat")


@dataclass(frozen=True)
class Method:
    """A clustering method that the command line can run by name.

    Attributes
    ----------
    summary : str
        One line shown by ``kmdl methods``.
    factory : callable or str
        ``factory(n_clusters, seed, epochs)`` returns an unfitted estimator.
        A string ``"module:function"`` is imported on first use.
    input : {"images", "flat"}, default="images"
        Layout of the array passed to ``fit``; see :data:`INPUT_LAYOUTS`.
    default_epochs : int or None, default=None
        Epochs used when ``--epochs`` is not given. None means the method
        does not train for epochs, and ``--epochs`` is ignored with a warning.
    keras_verbose : bool, default=False
        True when the estimator has a ``verbose`` parameter with Keras'
        meaning (0 silent, 1 progress bar, 2 one line per epoch). The command
        line sets it to 0 under ``--quiet``.
    epochs_unit : str, default="epochs"
        What ``--epochs`` counts for this method, shown by ``kmdl methods``.
    training : str, default=""
        Fixed training length of a method without ``default_epochs``, shown
        by ``kmdl methods``; empty when the method trains no network.
    """

    summary: str
    factory: object
    input: str = "images"
    default_epochs: int | None = None
    keras_verbose: bool = False
    epochs_unit: str = "epochs"
    training: str = ""

    def __post_init__(self):
        if self.input not in INPUT_LAYOUTS:
            raise ValueError(f"input={self.input!r} is invalid: use one of {INPUT_LAYOUTS}.")

    def training_note(self):
        """Return how long the method trains and what ``--epochs`` does, for ``kmdl methods``."""
        if self.default_epochs is not None:
            return f"--epochs: {self.epochs_unit}, default {self.default_epochs}"
        if self.training:
            return f"{self.training}; --epochs is not used"
        return "no network training; --epochs is not used"

    def build(self, n_clusters, seed, epochs=None):
        """Return an unfitted estimator; ``epochs=None`` uses :attr:`default_epochs`."""
        factory = self.factory
        if isinstance(factory, str):
            module_name, _, attribute = factory.partition(":")
            factory = getattr(import_module(module_name), attribute)
        return factory(n_clusters, seed, self.default_epochs if epochs is None else epochs)


def make_kmeans(n_clusters, seed, epochs):
    """Return scikit-learn's KMeans with 10 k-means++ restarts; ``epochs`` is unused."""
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=n_clusters, n_init=10, random_state=seed)


def make_pseudo_label(n_clusters, seed, epochs):
    """Return a :class:`kmdl.pipelines.PseudoLabelClassifier` trained for ``epochs``."""
    from kmdl.pipelines import PseudoLabelClassifier

    return PseudoLabelClassifier(n_clusters=n_clusters, epochs=epochs, random_state=seed)


def make_recommended(n_clusters, seed, epochs):
    """Return :class:`kmdl.deep.recommended.RecommendedClustering`; it counts training steps, so ``epochs`` is unused."""
    from kmdl.deep.recommended import RecommendedClustering

    return RecommendedClustering(n_clusters=n_clusters, random_state=seed)


def make_dec(n_clusters, seed, epochs):
    """Return :class:`kmdl.deep.dec.DEC` whose autoencoder pretrains for ``epochs``."""
    from kmdl.deep.autoencoder import Autoencoder
    from kmdl.deep.dec import DEC

    return DEC(n_clusters=n_clusters, autoencoder=Autoencoder(epochs=epochs), random_state=seed)


def make_deepcluster(n_clusters, seed, epochs):
    """Return :class:`kmdl.deep.deepcluster.DeepCluster` with ``epochs`` rounds of one pass each."""
    from kmdl.deep.deepcluster import DeepCluster

    return DeepCluster(n_clusters=n_clusters, n_rounds=epochs, random_state=seed)


#: The methods that ``kmdl run --method NAME`` accepts, by name.
#:
#: :meta hide-value:
METHODS = {
    "recommended": Method(
        "Contrastive Keras features and UMAP, then K-means (the recommended pipeline)",
        "kmdl.methods:make_recommended",
        keras_verbose=True,
        training="trains 1400 contrastive steps of 256 images",
    ),
    "kmeans": Method(
        "K-means (scikit-learn, 10 k-means++ restarts) on the flattened pixels",
        "kmdl.methods:make_kmeans",
        input="flat",
    ),
    "pseudo-label": Method(
        "K-means pseudo-labels, then a dense Keras classifier trained to predict them",
        "kmdl.methods:make_pseudo_label",
        default_epochs=30,
        keras_verbose=True,
    ),
    "dec": Method(
        "DEC: autoencoder, K-means initial centres, then self-training with a clustering layer",
        "kmdl.methods:make_dec",
        default_epochs=50,
        keras_verbose=True,
        epochs_unit="autoencoder pretraining epochs (self-training stops at its own tolerance)",
    ),
    "deepcluster": Method(
        "DeepCluster-style rounds: K-means on the network's features, then training on them",
        "kmdl.methods:make_deepcluster",
        default_epochs=10,
        keras_verbose=True,
        epochs_unit="rounds of clustering and one training pass",
    ),
}


def get_method(name):
    """Return the :class:`Method` registered under ``name``.

    Raises
    ------
    ValueError
        If no method has that name; the message lists the names that exist.
    """
    try:
        return METHODS[name]
    except KeyError:
        raise ValueError(
            f"method {name!r} not found; choose one of {', '.join(sorted(METHODS))} "
            "(run 'kmdl methods' to see what each does)."
        ) from None


def method_input(method, dataset):
    """Return the array that ``method`` fits on, taken from an :class:`~kmdl.data.ImageDataset`."""
    return dataset.flat if method.input == "flat" else dataset.images

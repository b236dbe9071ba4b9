"""The lecture's maths in pure NumPy: no Qt, no pyqtgraph (a test enforces it)."""

from .data import Dataset, empty_dataset
from .features import FEATURES, available_features, feature_matrix
from .gradcheck import gradient_check
from .grid import GridEvaluator, GridSpec
from .heads import HEADS, head_for
from .history import DecimatingHistory
from .network import Architecture, BackwardPass, ForwardPass, Network, Parameters
from .session import (
    Checkpoint,
    HyperParameters,
    NetworkSpec,
    Snapshot,
    TrainingSession,
)

__all__ = [
    "Architecture",
    "BackwardPass",
    "Checkpoint",
    "DecimatingHistory",
    "Dataset",
    "FEATURES",
    "ForwardPass",
    "GridEvaluator",
    "GridSpec",
    "HEADS",
    "HyperParameters",
    "Network",
    "NetworkSpec",
    "Parameters",
    "Snapshot",
    "TrainingSession",
    "available_features",
    "empty_dataset",
    "feature_matrix",
    "gradient_check",
    "head_for",
]

"""The lecture's maths in pure NumPy: no Qt, no pyqtgraph, no GUI (import-linter enforces it).

Package mapping: this folder, ``engine/``, is the package ``backprop_lab.engine`` (the
``package-dir`` table in pyproject.toml; see docs/architecture.md).
"""

from .data import Dataset, empty_dataset
from .design import HyperParameters, NetworkSpec
from .features import FEATURES, available_features, feature_matrix
from .gradcheck import gradient_check
from .grid import GridEvaluator, GridSpec
from .heads import HEADS, head_for
from .history import DecimatingHistory, HistoryArrays, MetricHistory, StepMetrics
from .network import Architecture, BackwardPass, ForwardPass, Network, Parameters
from .records import Checkpoint, Snapshot
from .session import TrainingSession

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
    "HistoryArrays",
    "HyperParameters",
    "MetricHistory",
    "Network",
    "NetworkSpec",
    "Parameters",
    "Snapshot",
    "StepMetrics",
    "TrainingSession",
    "available_features",
    "empty_dataset",
    "feature_matrix",
    "gradient_check",
    "head_for",
]

# datasets, CSV files of points, and scenario (lesson) files
from .datasets import (  # noqa: E402
    PRESETS,
    PresetInfo,
    load_points_csv,
    make_preset,
    points_csv,
    read_points_csv,
    save_points_csv,
)
from .fileio import LoadError  # noqa: E402
from .scenario import (  # noqa: E402
    Scenario,
    ScenarioError,
    from_json,
    load_scenario,
    save_scenario,
    scenario_from_session,
    session_from_scenario,
    to_json,
)

__all__ += [
    "PRESETS",
    "PresetInfo",
    "Scenario",
    "ScenarioError",
    "LoadError",
    "read_points_csv",
    "from_json",
    "load_points_csv",
    "load_scenario",
    "make_preset",
    "points_csv",
    "save_points_csv",
    "save_scenario",
    "scenario_from_session",
    "session_from_scenario",
    "to_json",
]

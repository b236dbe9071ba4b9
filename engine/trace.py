"""What the inspector shows about one point and about each hidden unit.

* ``trace_point``: one point's column through the network: x, every z⁽ˡ⁾, h⁽ˡ⁾, the
  prediction and every δ⁽ˡ⁾, plus any unit's formula with the numbers filled in.
* ``unit_health``: dead ReLU units (δ ≡ 0 on all training data) and saturated
  sigmoid/tanh units (h at its bounds on almost all training data), by each activation's
  own rule (``Activation.at_bound``, ``flat_share``), as engine/health.py counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .evaluation import eval_sample
from .features import feature_matrix
from .health import SATURATION_LIMIT, SATURATION_SHARE, unit_states
from .notation import f_symbol, sub, sup
from .session import TrainingSession


@dataclass(frozen=True)
class PointTrace:
    index: int  # in the dataset
    point: tuple[float, float]
    target: float  # class index or regression target
    is_test: bool
    x: np.ndarray  # h^(0), M_0
    z: list[np.ndarray]  # z^(1) … z^(L), each M_ℓ
    h: list[np.ndarray]  # h^(0) … h^(L)
    delta: list[np.ndarray]  # δ^(1) … δ^(L) for this point alone (B = 1)
    W: list[np.ndarray]
    b: list[np.ndarray]
    log_likelihood: float
    functions: tuple[str, ...] = ()  # f of each layer ℓ = 1..L ('tanh', …, 'softmax')

    @property
    def prediction(self) -> np.ndarray:
        return self.h[-1]

    def unit_formula(self, layer: int, unit: int, max_terms: int = 8) -> str:
        """e.g. ``z₁⁽²⁾ = Σⱼ W₁ⱼ⁽²⁾ hⱼ⁽¹⁾ + b₁⁽²⁾ = 0.31·0.52 + … + 0.05 = 0.123``;
        ``unit`` counts from 1 like the notes."""
        u, prev, i = sup(layer), sup(layer - 1), sub(unit)
        w = self.W[layer - 1][unit - 1]
        hp = self.h[layer - 1]
        terms = [f"{_num(wj)}·{_num(hj)}" for wj, hj in zip(w, hp)]
        if len(terms) > max_terms:
            terms = terms[: max_terms - 1] + ["…", terms[-1]]
        bias = float(self.b[layer - 1][unit - 1, 0])
        z = float(self.z[layer - 1][unit - 1])
        h = float(self.h[layer][unit - 1])
        f = f"{f_symbol(self.functions[layer - 1])}(z{i}{u}) = " if self.functions else ""
        return (
            f"z{i}{u} = Σⱼ W{i}ⱼ{u} hⱼ{prev} + b{i}{u} = "
            f"{' + '.join(terms)} + {_num(bias)} = {z:.6g};   h{i}{u} = {f}{h:.6g}"
        )


def _num(v: float) -> str:
    """3 significant digits, negatives in brackets with a real minus: ``(−0.39)``."""
    text = f"{float(v):.3g}"
    return f"(−{text[1:]})" if text.startswith("-") else text


def trace_point(session: TrainingSession, index: int) -> PointTrace:
    """Forward and backward for dataset point ``index`` alone, with the current θ."""
    ds = session.dataset
    if not 0 <= index < len(ds):
        raise IndexError(f"no point {index}: the dataset has {len(ds)} points")
    x = feature_matrix(ds.points[index : index + 1], session.spec.features)
    y = ds.y[index : index + 1]
    if not (ds.task == "classification" and ds.n_classes > 2):
        y = y.astype(np.float64)
    net, params = session.net, session.params
    with np.errstate(all="ignore"):
        fp = net.forward(params, x)
        bp = net.backward(params, fp, y, 0.0)
        ll = float(net.log_likelihood(fp, y)[0])
    col = lambda a: a[:, 0].copy()  # noqa: E731
    return PointTrace(
        index=index,
        point=(float(ds.points[index, 0]), float(ds.points[index, 1])),
        target=float(ds.y[index]),
        is_test=bool(ds.is_test[index]),
        x=col(x),
        z=[col(z) for z in fp.z],
        h=[col(h) for h in fp.h],
        delta=[col(d) for d in bp.delta],
        W=[w.copy() for w in params.W],
        b=[b.copy() for b in params.b],
        log_likelihood=ll,
        functions=(*(a.name for a in net.hidden), net.head.activation),
    )


@dataclass(frozen=True)
class LayerHealth:
    layer: int
    activation: str
    dead: np.ndarray  # bool per unit: ReLU never active on the training data
    saturated: np.ndarray  # bool per unit: sigmoid/tanh at its bounds on ≥ 95 % of points
    saturation: np.ndarray  # fraction of training points at the bounds, per unit


def unit_health(
    session: TrainingSession, limit: float = SATURATION_LIMIT, share: float = SATURATION_SHARE
):
    """Per hidden layer: which units are dead or saturated on the training points, by the
    rules of engine/health.py (the ones the history's saturated share counts).

    A ReLU unit is dead when z ≤ 0 on every training point (its δ is then 0 on all of
    them, so it never learns again). A sigmoid or tanh unit is saturated on a point when
    its output is within ``limit`` of its output range from a bound (sigmoid: h ≤ 0.01 or
    h ≥ 0.99; tanh: |h| ≥ 0.98); it is flagged when that holds on at least ``share`` of the
    points. A large training set is judged on its evaluation sample (the running metrics'
    points), so the cost stays bounded.
    """
    X = session.train_x
    idx = eval_sample(X.shape[1])
    if idx is not None:
        X = X[:, idx]
    out = []
    if X.shape[1] == 0:
        return out
    with np.errstate(all="ignore"):
        fp = session.net.forward(session.params, X)
    for layer in range(1, session.net.depth):
        act = session.net.hidden[layer - 1].name
        st = unit_states(act, fp.z[layer - 1], fp.h[layer], limit, share)
        out.append(LayerHealth(layer, act, st.dead, st.saturated, st.at_bound))
    return out

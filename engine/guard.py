"""The divergence guard: when a run has diverged, what a spike is, and where to go back to.

A run diverges when

* a value is no longer finite (the batch loss, the training loss, a weight): θ then goes
  back at once to the last good checkpoint, since nothing can go on from NaN;
* one batch loss explodes: above ``EXPLOSION_RATIO`` × the reference loss R (and at least
  ``EXPLOSION_RATIO`` nats);
* the training loss grows far beyond where the run started and stays there: the median
  of the history rows of the last ``WINDOW_STEPS`` steps (at least ``WINDOW_ROWS`` rows,
  at most one every ``WINDOW_GAP`` steps) is above ``growth_limit(R)`` = max(2 R,
  R + 0.5 nats).

R, the reference, is the larger of the run's initial training loss and the loss of a
constant guess (log K for K classes, ½ var y for a regression): a net that has learnt
nothing scores about R, so a loss that stays at twice that has gone the wrong way. One
row against a running minimum is no test: late in a healthy SGD run the minimum is tiny
and the loss jumps tenfold for a few rows and comes back. Such a row, above
``SPIKE_RATIO`` × the median of the rows before it (and ``SPIKE_MARGIN`` nats more), is a
*spike*: recorded (the loss plot marks it), never a stop.

Calibrated on real runs: every lesson as shipped, the presets with 4-4 tanh at α 0.1 to 1
(SGD, momentum, Adam, B = 1 on noisy data), XOR with 10,000 points and 3 × 8 sigmoid at
α = 0.5, the deep tanh network at α 0.05 and 0.025, 16 points at α = 1 with B = 1: the
windowed median stays below 1.6 R in all of them (below 1.15 R in all but the last). The
runs that go wrong (XOR tanh at α = 10, momentum at α = 3, the spirals with Adam at α = 1,
the regressions at α = 1) reach 2.4 R or more, or stop being finite.

A stop pauses the run. The next step taken, or ``go_on``, goes on from there: the guard
re-arms (the window starts afresh and R is raised to the level the run goes on at, until
the run is good again), so it does not stop again at once. ``lower_alpha`` is the round
learning rate "Roll back and lower α" proposes.

``GuardState`` is immutable: checkpoints share it, and a lesson file stores it.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, replace

import numpy as np

GROWTH_RATIO = 2.0
GROWTH_MARGIN = 0.5  # nats: a run whose reference is tiny still gets room to wander
WINDOW_ROWS = 9
WINDOW_STEPS = 128
WINDOW_GAP = 4  # steps: the window keeps at most a row every 4 steps (32 over its span)
SPIKE_RATIO = 4.0
SPIKE_MARGIN = 0.1
SPIKE_MIN_ROWS = 3  # rows needed before a spike can be told from the run's own level
EXPLOSION_RATIO = 100.0
MAX_SPIKES = 256  # the latest ones are kept
ROLLBACK_EVERY = 64  # steps between refreshes of the checkpoint a roll back returns to


def growth_limit(reference: float) -> float:
    """The training loss a run may not stay above: twice the reference, and 0.5 nats more."""
    return max(GROWTH_RATIO * reference, reference + GROWTH_MARGIN)


def explosion_limit(reference: float) -> float:
    """A single batch loss this high means the steps overshoot."""
    return EXPLOSION_RATIO * max(reference, 1.0)


def constant_guess_loss(task: str, n_classes: int, y: np.ndarray) -> float:
    """The loss of a net that has learnt nothing: log K for K classes (a uniform guess),
    ½ var y for a regression (the mean as the guess); NaN without points."""
    if len(y) == 0:
        return math.nan
    if task == "classification":
        return math.log(n_classes)
    return 0.5 * float(np.var(y))


def lower_alpha(alpha: float) -> float:
    """The largest round learning rate (1, 2 or 5 × 10ᵏ) at most half of ``alpha``."""
    target = alpha / 2.0
    k = math.floor(math.log10(target))
    for exp in (k, k - 1):
        for m in (5.0, 2.0, 1.0):
            v = float(f"{m * 10.0**exp:.12g}")
            if v <= target * (1 + 1e-12):
                return v
    return target


@dataclass(frozen=True)
class GuardState:
    """What the guard has seen: the reference losses, the window of recent rows, the
    spikes so far, and the step it was (re)armed at."""

    base: float  # the run's reference R: max(initial training loss, a constant guess)
    reference: float  # R now: raised by going on after a stop, back to base when good
    armed_at: int  # the growth test waits WINDOW_STEPS steps after this step
    window: tuple[tuple[int, float], ...] = ()  # (step, training loss) of the latest rows
    spikes: tuple[tuple[int, float], ...] = ()  # (step, training loss), the latest ones
    spiking: bool = False  # the latest row was part of a spike
    stop_level: float = math.nan  # the loss the run stopped at (going on starts from it)

    @classmethod
    def armed(cls, base: float, step: int) -> GuardState:
        return cls(base, base, step)

    def median(self) -> float:
        # statistics.median: a few microseconds on these few rows, np.median ten times more
        return float(statistics.median(x for _, x in self.window)) if self.window else math.nan

    @property
    def limit(self) -> float:
        return growth_limit(self.reference)

    def judged(self, step: int) -> bool:
        """Whether the window is long enough to say the loss has *stayed* high."""
        return len(self.window) >= WINDOW_ROWS and step - self.armed_at >= WINDOW_STEPS

    def stopped(self, levels: list[float]) -> GuardState:
        """The run stopped with these losses (the batch's, the row's): going on starts
        from the highest finite one."""
        finite = [x for x in (*levels, self.median()) if math.isfinite(x)]
        return replace(self, stop_level=max(finite, default=math.nan))

    def rearmed(self, step: int) -> GuardState:
        """Going on after a stop: the window starts afresh, and the reference rises to the
        level the run stopped at, so the same state is no stop again."""
        ref, level = self.reference, self.stop_level
        if math.isfinite(level) and (not math.isfinite(ref) or level > ref):
            ref = level
        return replace(
            self, reference=ref, armed_at=step, window=(), spiking=False, stop_level=math.nan
        )


@dataclass(frozen=True)
class Verdict:
    """What one history row says: a spike, or that the loss grew and stayed high."""

    spike: bool = False
    grew: bool = False
    median: float = math.nan
    span: int = 0  # steps the window covers
    # no row of the window, this one included, above the run's own limit, and no spike:
    # a state worth going back to
    good: bool = False


def observe(state: GuardState, step: int, loss: float) -> tuple[GuardState, Verdict]:
    """Take the (finite) training loss of the history row at ``step``."""
    window = state.window
    spike = False
    if len(window) >= SPIKE_MIN_ROWS:
        med = state.median()
        spike = loss > max(SPIKE_RATIO * med, med + SPIKE_MARGIN)
    spikes, began = state.spikes, spike and not state.spiking
    if began:  # a run of spiking rows is one spike, marked where it began
        spikes = (*spikes, (step, loss))[-MAX_SPIKES:]
    # the latest rows covering WINDOW_STEPS steps, at least WINDOW_ROWS of them, and at
    # most one every WINDOW_GAP steps (a row every step would make the median dear)
    if not window or step - window[-1][0] >= WINDOW_GAP:
        window = (*window, (step, loss))
        first = 0
        while len(window) - first > WINDOW_ROWS and step - window[first + 1][0] >= WINDOW_STEPS:
            first += 1
        window = window[first:]
    state = replace(state, window=window, spikes=spikes, spiking=spike)
    base_limit = growth_limit(state.base)
    good = not spike and (
        not math.isfinite(base_limit)
        or (loss <= base_limit and max(x for _, x in window) <= base_limit)
    )
    verdict = Verdict(spike=began, good=good)
    if state.judged(step):
        med = state.median()
        if med > state.limit:
            verdict = Verdict(began, True, med, step - window[0][0])
        elif state.reference != state.base and good:
            state = replace(state, reference=state.base)  # good again: judged as before
    return state, verdict

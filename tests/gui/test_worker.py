"""The engine thread, driven through its controller with real data and a real session."""

from __future__ import annotations

import numpy as np
import pytest
from backprop_lab.engine import Dataset, HyperParameters, NetworkSpec, TrainingSession
from backprop_lab.engine.data import empty_dataset
from backprop_lab.engine.design import steps_for_epochs
from backprop_lab.gui import commands as cmd
from backprop_lab.gui.controller import EngineController
from backprop_lab.gui.worker import Frame

from .helpers import LONG


def xor_dataset(n: int = 200, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-5, 5, size=(n, 2))
    pts += 0.3 * np.sign(pts)
    y = (pts[:, 0] * pts[:, 1] > 0).astype(int)
    is_test = np.zeros(n, bool)
    is_test[: n // 5] = True
    return Dataset(pts, y, is_test)


def sine_dataset(n: int = 200, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-6, 6, n)
    pts = np.column_stack([x, 2 * np.sin(x)])
    return Dataset(pts, pts[:, 1], np.zeros(n, bool), task="regression", input_dim=1)


@pytest.fixture
def controller(qtbot):
    session = TrainingSession(
        xor_dataset(),
        NetworkSpec(hidden=(8,), activation="tanh"),
        HyperParameters(alpha=0.1, batch_size=16, optimizer="adam"),
        seed=1,
    )
    c = EngineController(session)
    frames: list[Frame] = []
    c.frameReady.connect(frames.append)
    c.frames = frames
    qtbot.waitUntil(lambda: len(frames) > 0, timeout=LONG)
    yield c
    assert c.shutdown()
    assert not c.thread.isRunning()


def last(c) -> Frame:
    return c.frames[-1]


def test_first_frame_has_grid_of_probabilities(controller):
    f = last(controller)
    assert f.snapshot.step == 0
    assert f.grid.shape == (100, 100)
    assert np.all((f.grid >= 0) & (f.grid <= 1))


def test_step_runs_exactly_n_steps(controller, qtbot):
    controller.step(1)
    qtbot.waitUntil(lambda: last(controller).snapshot.step == 1, timeout=LONG)
    controller.step(10)
    qtbot.waitUntil(lambda: last(controller).snapshot.step == 11, timeout=LONG)
    qtbot.wait(100)  # nothing more arrives: step does not leave training running
    assert last(controller).snapshot.step == 11
    assert controller.worker.steps_run == 11


def test_one_epoch_is_ceil_n_over_b(controller, qtbot):
    n_train = 160
    controller.step_epoch()
    want = steps_for_epochs(n_train, 16)
    assert want == 10
    qtbot.waitUntil(lambda: last(controller).snapshot.step == want, timeout=LONG)


def test_play_trains_and_pause_stops(controller, qtbot):
    controller.set_running(True)
    qtbot.waitUntil(lambda: last(controller).snapshot.last.train_acc > 0.95, timeout=30000)
    controller.set_running(False)
    qtbot.waitUntil(lambda: not controller.running, timeout=LONG)
    qtbot.wait(100)
    s = last(controller).snapshot.step
    qtbot.wait(200)
    assert last(controller).snapshot.step == s
    assert controller.worker.steps_run == s


def test_hyper_change_applies_without_reset(controller, qtbot):
    controller.step(5)
    qtbot.waitUntil(lambda: last(controller).snapshot.step == 5, timeout=LONG)
    controller.set_hyper(HyperParameters(alpha=0.01, batch_size=4, optimizer="adam"))
    controller.step(1)
    qtbot.waitUntil(lambda: last(controller).snapshot.step == 6, timeout=LONG)
    assert last(controller).snapshot.hyper.batch_size == 4


def test_empty_dataset_cannot_train(controller, qtbot):
    msgs: list[str] = []
    controller.message.connect(msgs.append)
    controller.set_dataset(empty_dataset())
    controller.set_running(True)
    qtbot.waitUntil(lambda: len(msgs) > 0, timeout=LONG)
    assert "no training points" in msgs[0]
    assert not controller.running


def test_divergence_pauses_and_play_goes_on_or_rolls_back(controller, qtbot):
    diverged: list[str] = []
    controller.diverged.connect(diverged.append)
    # a regression at α = 1000: the batch loss explodes in two steps
    controller.set_dataset(sine_dataset())
    controller.set_hyper(HyperParameters(alpha=1e3, batch_size=16, optimizer="sgd"))
    controller.set_running(True)
    qtbot.waitUntil(lambda: len(diverged) > 0, timeout=20000)
    assert "diverged" in diverged[0] and "Roll back to step 0" in diverged[0]
    qtbot.waitUntil(lambda: not controller.running, timeout=LONG)
    qtbot.waitUntil(lambda: last(controller).snapshot.diverged is not None, timeout=LONG)
    run = controller.worker.steps_run
    # Play does what it says: it goes on from the stop (and the run stops again soon)
    controller.set_running(True)
    qtbot.waitUntil(lambda: controller.worker.steps_run > run, timeout=LONG)
    qtbot.waitUntil(lambda: not controller.running, timeout=LONG)
    # the roll back: θ at the last good checkpoint, the smaller α, no stop
    controller.send(cmd.RollBack(0.01))
    qtbot.waitUntil(lambda: last(controller).snapshot.diverged is None, timeout=LONG)
    snap = last(controller).snapshot
    assert snap.step == snap.rollback_step == 0 and snap.hyper.alpha == 0.01
    controller.step(20)
    qtbot.waitUntil(lambda: last(controller).snapshot.step == 20, timeout=LONG)
    assert last(controller).snapshot.diverged is None


def test_exception_in_engine_is_reported_and_worker_survives(controller, qtbot):
    errors: list[str] = []
    controller.errorOccurred.connect(errors.append)

    def boom(session):
        raise RuntimeError("boom from the engine")

    controller.call_in_engine(boom)
    qtbot.waitUntil(lambda: len(errors) > 0, timeout=LONG)
    assert "boom from the engine" in errors[0]
    controller.step(2)
    qtbot.waitUntil(lambda: last(controller).snapshot.step == 2, timeout=LONG)


def test_frames_are_copies(controller, qtbot):
    f0 = last(controller)
    w0 = f0.snapshot.params.W[0].copy()
    controller.step(20)
    qtbot.waitUntil(lambda: last(controller).snapshot.step == 20, timeout=LONG)
    assert np.array_equal(f0.snapshot.params.W[0], w0)
    assert not np.array_equal(last(controller).snapshot.params.W[0], w0)


def test_shutdown_while_running(qtbot):
    c = EngineController(TrainingSession(xor_dataset(), seed=0))
    c.set_running(True)
    qtbot.waitUntil(lambda: c.running, timeout=LONG)
    assert c.shutdown()
    assert not c.thread.isRunning()


def test_typed_commands_travel_on_one_channel_in_order(controller, qtbot):
    """Commands queued back to back run in the engine thread in the order sent; an
    unknown command is reported, not dropped, and the session goes on."""
    from backprop_lab.gui import commands as cmd

    errors: list[str] = []
    controller.errorOccurred.connect(errors.append)
    controller.send(object())  # not a command: reported (and, like any error, it pauses)
    controller.send(cmd.SetHyper(HyperParameters(alpha=0.05, batch_size=8)))
    controller.send(cmd.Step(3))
    qtbot.waitUntil(lambda: last(controller).snapshot.step == 3, timeout=10000)
    controller.send(cmd.Step(2))
    qtbot.waitUntil(lambda: last(controller).snapshot.step == 5, timeout=10000)
    assert len(errors) == 1
    assert "unknown engine command" in errors[0]
    snap = last(controller).snapshot
    assert snap.hyper.batch_size == 8 and snap.hyper.alpha == 0.05


def test_large_data_frames_carry_exact_full_data_figures_and_say_so(controller, qtbot):
    """Past the evaluation sample, a frame's metrics are the sample's and the figures over
    all points arrive from a pass spread over frames; paused, they are of the step shown."""
    from backprop_lab.engine.datasets import make_preset
    from backprop_lab.engine.evaluation import EVAL_SAMPLE
    from backprop_lab.gui.presenter import status_text

    assert last(controller).full is None  # 200 points: the snapshot's figures are exact
    big = make_preset("xor", n_points=6000, noise=0.0, test_fraction=0.2, seed=0)
    controller.set_dataset(big)
    controller.step(40)
    qtbot.waitUntil(
        lambda: (
            last(controller).snapshot.step == 40
            and last(controller).full is not None
            and last(controller).full.step == 40
        ),
        timeout=60000,
    )
    f = last(controller)
    expected = in_engine(
        qtbot, controller, lambda s: (s.evaluate("train", full=True), s.step_count)
    )
    (loss, acc), step = expected
    assert step == 40
    assert (f.full.n_train, f.full.n_test) == (4800, 1200)
    assert abs(f.full.train_loss - loss) < 1e-12 and f.full.train_acc == acc
    text = status_text(f)
    assert f"{EVAL_SAMPLE:,}-point samples" in text
    assert "all 6,000 points at step 40" in text
    # training: frames keep coming with figures of some earlier step, never stale data
    controller.set_running(True)
    qtbot.waitUntil(lambda: last(controller).snapshot.step > 400, timeout=60000)
    controller.set_running(False)
    qtbot.waitUntil(
        lambda: (
            not last(controller).running
            and last(controller).full is not None
            and last(controller).full.step == last(controller).snapshot.step
        ),
        timeout=60000,
    )
    timing = controller.worker.timing
    assert timing["frames"] > 0 and timing["step"] > 0 and timing["grid"] > 0


def in_engine(qtbot, c, fn):
    out = []
    c.call_in_engine(fn, reply=out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=60000)
    return out[0]


def test_a_frame_extra_is_computed_in_the_engine_thread_for_each_frame(controller):
    import threading

    seen: list[str] = []

    def loss_now(session):
        seen.append(threading.current_thread().name)
        return session.step_count

    controller.send(cmd.SetFrameExtra("step", loss_now))
    controller.send(cmd.Step(3))
    qtbot_wait(controller, lambda f: f.snapshot.step == 3 and f.extras.get("step") == 3)
    assert threading.main_thread().name not in seen

    def broken(session):
        raise ValueError("no probe here")

    controller.send(cmd.SetFrameExtra("broken", broken))
    controller.send(cmd.Step(1))
    qtbot_wait(controller, lambda f: isinstance(f.extras.get("broken"), ValueError))
    assert last(controller).extras["step"] == 4  # one failing extra spoils no other
    controller.send(cmd.SetFrameExtra("step", None))
    controller.send(cmd.SetFrameExtra("broken", None))
    controller.send(cmd.Step(1))
    qtbot_wait(controller, lambda f: f.snapshot.step == 5 and not f.extras)


class _TenThenDone:
    """A driver that takes ten steps, one at a time, then says it has finished."""

    def __init__(self):
        self.taken = 0

    def advance(self, session, n):
        k = min(n, 10 - self.taken)
        self.taken += k
        return session.step(k) if k else 0


def test_play_steps_through_a_driver_and_pauses_when_it_has_finished(controller):
    driver = _TenThenDone()
    controller.send(cmd.SetDriver(driver))
    controller.send(cmd.SetRunning(True))
    qtbot_wait(controller, lambda f: f.snapshot.step == 10 and not f.running)
    assert driver.taken == 10
    controller.send(cmd.SetDriver(None))
    controller.send(cmd.Step(2))  # plain steps again
    qtbot_wait(controller, lambda f: f.snapshot.step == 12)


def test_quick_step_presses_add_up(controller):
    for _ in range(4):
        controller.send(cmd.Step(1))
    qtbot_wait(controller, lambda f: f.snapshot.step == 4 and not f.running)


def qtbot_wait(controller, holds) -> None:
    """Until the latest frame satisfies ``holds`` (frames arrive on the GUI thread)."""
    import time

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtTest import QTest

    end = time.monotonic() + LONG / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        if controller.frames and holds(last(controller)):
            return
        QTest.qWait(5)
    raise AssertionError(f"the frames never showed it; last: {last(controller)}")


def test_steps_pressed_before_another_command_are_taken_before_it(controller, qtbot):
    """Commands run in the order they were sent: a Step still owed when a call (a save's
    capture, say) or a reset arrives is taken first."""
    answers = []

    def steps_now(session):
        return session.step_count

    controller.send(cmd.Step(3))
    controller.call_in_engine(steps_now, reply=answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=LONG)
    assert answers == [3]


def test_each_call_answers_its_own_caller(controller, qtbot):
    """Replies go to the caller that asked, never to every listener."""
    from backprop_lab.engine.jobs import Job

    first, second, progress = [], [], []
    controller.call_in_engine(lambda s: ("first", s.step_count), reply=first.append)
    controller.call_in_engine(lambda s: ("second", s.step_count), reply=second.append)

    def counted(_session):
        for i in range(3):
            yield (i + 1, 3)
        return "job done"

    job_answers = []
    controller.run_job(
        Job(counted),
        reply=job_answers.append,
        progress=lambda done, total: progress.append((done, total)),
    )
    qtbot.waitUntil(lambda: bool(first and second and job_answers), timeout=LONG)
    assert first == [("first", 0)] and second == [("second", 0)]
    assert job_answers == ["job done"]
    assert all(total == 3 for _done, total in progress)

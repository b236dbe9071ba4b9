"""The colour maps: pure NumPy, no Qt needed."""

import numpy as np
import pytest
from backprop_lab.gui import colors
from backprop_lab.gui.colors import (
    BOUNDARY,
    CLASS_COLORS,
    CLASS_HEX,
    NEUTRAL,
    binary_rgba,
    boundary_mask,
    multiclass_rgba,
    region_color,
    regression_colors,
    regression_rgba,
)
from hypothesis import given
from hypothesis import strategies as st


def test_palette_is_okabe_ito_with_eight_distinct_colours():
    assert len(CLASS_COLORS) == len(CLASS_HEX) == 8
    assert len(set(CLASS_COLORS)) == 8
    assert CLASS_COLORS[0] == (0x00, 0x72, 0xB2)
    assert CLASS_COLORS[1] == (0xE6, 0x9F, 0x00)
    assert all(colors.hex_to_rgb(h) == c for h, c in zip(CLASS_HEX, CLASS_COLORS))


def test_binary_shape_dtype_and_fixed_ends():
    p = np.array([[0.0, 0.5, 1.0], [0.25, 0.75, 0.5]], dtype=np.float32)
    img = binary_rgba(p, strength=1.0)
    assert img.shape == (2, 3, 4)
    assert img.dtype == np.uint8
    assert tuple(img[0, 0]) == (*CLASS_COLORS[0], 255)
    assert tuple(img[0, 2]) == (*CLASS_COLORS[1], 255)
    # 0.5 lands within one LUT step of the neutral
    assert np.abs(img[0, 1, :3].astype(int) - NEUTRAL).max() <= 2
    assert img[0, 1, 3] == 255
    # a quarter is halfway between class 0 and the neutral
    half = (np.array(CLASS_COLORS[0]) + np.array(NEUTRAL)) / 2
    assert np.abs(img[1, 0, :3] - half).max() <= 2


def test_binary_is_monotone_between_the_class_colours():
    img = binary_rgba(np.linspace(0, 1, 11)[None, :], strength=1.0)
    blue = img[0, :, 2].astype(int)
    # blue channel: class 0 (0xB2) rises to the neutral (0xF2) then falls to class 1 (0x00)
    assert np.all(np.diff(blue[:6]) >= 0) and np.all(np.diff(blue[5:]) <= 0)


def test_default_regions_are_tints_of_the_class_colours():
    img = binary_rgba(np.array([[0.0, 1.0]]))
    assert tuple(img[0, 0, :3]) == region_color(0) and tuple(img[0, 1, :3]) == region_color(1)
    for k in range(2):
        c, tint = np.array(CLASS_COLORS[k]), np.array(region_color(k))
        # the tint lies on the line from the neutral to the class colour, strictly between
        expect = np.array(NEUTRAL) + colors.REGION_STRENGTH * (c - np.array(NEUTRAL))
        assert np.abs(tint - expect).max() <= 0.5
        assert tint.tolist() != c.tolist() and tint.tolist() != list(NEUTRAL)


def test_binary_clips_out_of_range_and_makes_nan_transparent():
    img = binary_rgba(np.array([[-3.0, 7.0, np.nan, np.inf, -np.inf]]))
    assert tuple(img[0, 0]) == (*region_color(0), 255)
    assert tuple(img[0, 1]) == (*region_color(1), 255)
    assert img[0, 2, 3] == 0
    assert tuple(img[0, 3]) == (*region_color(1), 255)
    assert tuple(img[0, 4]) == (*region_color(0), 255)


def test_binary_levels_are_fixed_not_auto():
    # a frame whose values span only [0.4, 0.6] stays pale: no stretching to full colour
    img = binary_rgba(np.array([[0.4, 0.6]]))
    assert np.abs(img[0, :, :3].astype(int) - NEUTRAL).max() < 60


def test_crisp_binary_draws_a_line_where_p_crosses_half():
    xs = np.linspace(-1, 1, 20)
    p = np.tile(1 / (1 + np.exp(-8 * xs)), (10, 1))  # crosses 0.5 between columns 9 and 10
    soft = binary_rgba(p)
    crisp = binary_rgba(p, crisp=True)
    line = np.any(crisp != soft, axis=2)
    assert line[:, 9].all()
    assert line.sum() == 10  # exactly one pixel per row
    # the line is darker than what it covers, pulled toward the boundary colour
    assert np.all(crisp[line, :3].astype(int).sum(1) < soft[line, :3].astype(int).sum(1) - 150)
    assert np.all(np.abs(crisp[line, :3].astype(int) - BOUNDARY).max(1) < 80)


def test_crisp_ignores_nan_neighbours():
    p = np.array([[0.2, np.nan, 0.9]])
    assert np.array_equal(binary_rgba(p, crisp=True), binary_rgba(p))


def test_boundary_mask_between_regions():
    labels = np.array([[0, 0, 1], [0, 0, 1], [2, 2, 2]])
    mask = boundary_mask(labels)
    expected = np.array([[0, 1, 0], [1, 1, 1], [0, 0, 0]], bool)
    assert np.array_equal(mask, expected)


def test_multiclass_confidence_blends_to_neutral():
    k = 3
    probs = np.zeros((k, 1, 4))
    probs[:, 0, 0] = [1, 0, 0]  # certain class 0
    probs[:, 0, 1] = [0, 0, 1]  # certain class 2
    probs[:, 0, 2] = [1 / 3, 1 / 3, 1 / 3]  # chance: neutral
    probs[:, 0, 3] = [0.1, 0.7, 0.2]
    img = multiclass_rgba(probs, strength=1.0)
    assert img.shape == (1, 4, 4) and img.dtype == np.uint8
    assert tuple(img[0, 0]) == (*CLASS_COLORS[0], 255)
    assert tuple(img[0, 1]) == (*CLASS_COLORS[2], 255)
    assert np.abs(img[0, 2, :3].astype(int) - NEUTRAL).max() <= 1
    # class 1 wins at confidence 0.7: (0.7 − 1/3)/(2/3) = 0.55 of the way to orange
    expect = np.array(NEUTRAL) + 0.55 * (np.array(CLASS_COLORS[1]) - np.array(NEUTRAL))
    assert np.abs(img[0, 3, :3] - expect).max() <= 2


def test_multiclass_with_two_classes_matches_binary():
    p = np.linspace(0, 1, 50)[None, :]
    probs = np.stack([1 - p, p])
    for strength in (1.0, 0.6):
        a = multiclass_rgba(probs, strength=strength).astype(int)
        b = binary_rgba(p, strength=strength).astype(int)
        assert np.abs(a - b).max() <= 2


def test_multiclass_nan_and_crisp():
    probs = np.zeros((4, 3, 3))
    probs[0, :, :2] = 0.9
    probs[3, :, 2] = 0.9
    probs[:, 0, 0] = np.nan
    img = multiclass_rgba(probs, crisp=True)
    assert img[0, 0, 3] == 0
    line = np.any(img != multiclass_rgba(probs), axis=2)
    assert line[1:, 1].all() and line[0, 1]
    assert not line[:, 2].any()
    with pytest.raises(ValueError):
        multiclass_rgba(np.zeros((9, 2, 2)))


def test_regression_fixed_levels():
    v = np.array([[-2.0, 0.0, 2.0, 5.0, np.nan]])
    img = regression_rgba(v, -2.0, 2.0, strength=1.0)
    assert img.shape == (1, 5, 4) and img.dtype == np.uint8
    assert tuple(img[0, 0, :3]) == colors.hex_to_rgb(colors.REGRESSION_LOW_HEX)
    assert tuple(img[0, 2, :3]) == colors.hex_to_rgb(colors.REGRESSION_HIGH_HEX)
    assert np.abs(img[0, 1, :3].astype(int) - NEUTRAL).max() <= 2
    assert tuple(img[0, 3]) == tuple(img[0, 2])
    assert img[0, 4, 3] == 0
    assert np.array_equal(regression_colors(v[0], -2.0, 2.0), img[0])
    tinted = regression_rgba(v, -2.0, 2.0)
    assert (
        np.abs(tinted[0, :4, :3].astype(int) - NEUTRAL).max()
        < np.abs(img[0, :4, :3].astype(int) - NEUTRAL).max()
    )
    with pytest.raises(ValueError):
        regression_rgba(v, 1.0, 1.0)


def test_large_frame_is_all_lookups():
    p = np.random.default_rng(0).random((200, 200)).astype(np.float32)
    img = binary_rgba(p, crisp=True)
    assert img.shape == (200, 200, 4)
    probs = np.random.default_rng(1).random((5, 200, 200))
    assert multiclass_rgba(probs / probs.sum(0), crisp=True).shape == (200, 200, 4)


@given(
    st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0, -1.0, 2.0, np.nan, np.inf]), min_size=1),
    st.integers(1, 8),
    st.floats(0.0, 1.0),
)
def test_colours_are_the_tables_entries(values, n_classes, strength):
    """The word-at-a-time lookup gives exactly the tables' entries (NaN transparent)."""
    rng = np.random.default_rng(len(values))
    p = np.asarray(values + list(rng.random(37)), np.float32).reshape(-1, 1)
    idx, finite = colors.lut_index(p, 0.0, 1.0)
    want = colors.binary_lut(strength)[idx]
    want[~finite] = (*NEUTRAL, 0)
    assert np.array_equal(binary_rgba(p, strength=strength), want)
    luts = colors.confidence_luts(strength)
    winner = rng.integers(0, n_classes, idx.shape)
    assert np.array_equal(colors.lookup(luts, (winner, idx)), luts[winner, idx])
    lut = colors.regression_lut(strength)
    assert np.array_equal(colors.lookup(lut, idx), lut[idx])


def test_colors_module_imports_no_qt():
    import subprocess
    import sys

    code = "import sys, backprop_lab.gui.colors; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- colour-blind safety of the layer colours ------------------------------------------
# Machado, Oliveira & Fernandes (2009), severity 1, applied to linear RGB
_CVD = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}


def _lab(rgb: np.ndarray, cvd=None) -> np.ndarray:
    """CIELAB (D65) of sRGB colours, as seen with a colour-vision deficiency."""
    c = np.asarray(rgb, float) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    if cvd is not None:
        lin = np.clip(lin @ np.asarray(cvd).T, 0, 1)
    xyz = (
        lin
        @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    )
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], 1)


def _closest_pair(hexes, cvd=None) -> float:
    lab = _lab(np.array([colors.hex_to_rgb(h) for h in hexes]), cvd)
    d = np.linalg.norm(lab[:, None] - lab[None], axis=2)
    return float(d[np.triu_indices(len(hexes), 1)].min())


def test_nine_layer_colours_stay_apart_with_every_colour_vision():
    """δ⁽¹⁾ … δ⁽⁹⁾ (8 hidden layers and the output) each get a colour, and the ninth is
    as far from the others, for every common colour-vision deficiency, as Okabe–Ito's
    eight are from each other (ΔE*ab)."""
    layers = colors.LAYER_HEX
    assert len(layers) == 9 and len(set(layers)) == 9
    for cvd in [None, *_CVD.values()]:
        assert _closest_pair(layers, cvd) >= _closest_pair(CLASS_HEX, cvd) - 1e-9
        assert _closest_pair(layers, cvd) > 15.0

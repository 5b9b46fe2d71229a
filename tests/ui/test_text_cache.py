"""Texts painted again from the glyphs a chart remembers look exactly as if laid out anew: same place, same
font, the colour and clipping of the moment; another string, size or place is laid out afresh."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from app.ui.text_cache import remember_texts


def _canvas(remember: bool) -> tuple[FigureCanvasAgg, Figure]:
    figure = Figure(figsize=(3, 1), dpi=96)
    canvas = FigureCanvasAgg(figure)
    if remember:
        remember_texts(canvas.get_renderer())  # type: ignore[no-untyped-call]
    return canvas, figure


def _pixels(canvas: FigureCanvasAgg) -> np.ndarray:
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()  # type: ignore[no-untyped-call]


def test_a_text_painted_again_has_the_pixels_of_a_new_one() -> None:
    remembered, figure = _canvas(remember=True)
    label = figure.text(0.1, 0.4, "Agence Joly SA — 52,9 k€", color="#c62828", fontsize=9)
    first = _pixels(remembered)
    label.set_color("#1e88e5")  # same glyphs, another colour
    again = _pixels(remembered)
    assert (first != again).any()
    fresh, other = _canvas(remember=False)
    other.text(0.1, 0.4, "Agence Joly SA — 52,9 k€", color="#1e88e5", fontsize=9)
    assert np.array_equal(again, _pixels(fresh))


def test_another_string_size_or_place_is_laid_out_anew() -> None:
    remembered, figure = _canvas(remember=True)
    label = figure.text(0.1, 0.4, "12,5 k€", fontsize=9)
    _pixels(remembered)
    fresh, other = _canvas(remember=False)
    expected = other.text(0.1, 0.4, "12,5 k€", fontsize=9)
    for change in ({"text": "12,6 k€"}, {"fontsize": 11}, {"x": 0.3}, {"fontweight": "bold"}):
        label.update(change)
        expected.update(change)
        assert np.array_equal(_pixels(remembered), _pixels(fresh)), change


def test_a_renderer_without_the_agg_engine_is_left_alone() -> None:
    class Plain:
        def draw_text(self, *_args: object) -> None:
            """A renderer of another matplotlib: nothing to cache."""

    renderer = Plain()
    original = renderer.draw_text
    remember_texts(renderer)
    assert renderer.draw_text == original

"""Texts an Agg renderer has drawn, kept from one draw to the next: a dashboard refresh draws again most of its
labels (titles, legends, client names, scale values) at the very same place, and laying out and rasterising
their glyphs is a third of a chart's drawing time.

A text is remembered as the glyph images its drawing painted, keyed by everything that shapes them (string,
font, angle, exact position, antialiasing); drawing it again paints the same images with the colour and
clipping of the moment, so the pixels are those matplotlib would give.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

CACHED_TEXTS = 2048  # per renderer (one per canvas size); a dashboard draws about seventy texts

Painted = list[tuple[np.ndarray[Any, Any], Any, Any, Any]]


class _Recorder:
    """Stands for the renderer's drawing engine while a text is drawn: passes everything on and keeps the
    glyph images it was asked to paint."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self.painted: Painted = []

    def draw_text_image(self, image: Any, x: Any, y: Any, angle: Any, gc: Any) -> None:
        self.painted.append((np.array(image, copy=True), x, y, angle))
        self._engine.draw_text_image(image, x, y, angle, gc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


def remember_texts(renderer: Any, size: int = CACHED_TEXTS) -> None:
    """Make ``renderer`` (a ``RendererAgg``) paint again, without laying them out, the texts it has drawn.

    The cache leans on the Agg renderer's inner drawing engine; a matplotlib whose renderer has none is left
    alone (charts then draw as matplotlib always does, only slower)."""
    if not callable(getattr(getattr(renderer, "_renderer", None), "draw_text_image", None)):
        return
    draw_text: Callable[..., None] = renderer.draw_text
    painted_texts: OrderedDict[tuple[Any, ...], Painted] = OrderedDict()

    def cached_draw_text(gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False,
                         mtext: Any = None) -> None:
        if ismath:  # mathematical text goes its own way
            draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        key = (s, _font(prop), angle, x, y, gc.get_antialiased(), _shaping(mtext))
        painted = painted_texts.get(key)
        if painted is None:
            engine = renderer._renderer
            recorder = _Recorder(engine)
            renderer._renderer = recorder
            try:
                draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            finally:
                renderer._renderer = engine
            painted_texts[key] = recorder.painted
            if len(painted_texts) > size:
                painted_texts.popitem(last=False)
            return
        painted_texts.move_to_end(key)
        for image, image_x, image_y, image_angle in painted:
            renderer._renderer.draw_text_image(image, image_x, image_y, image_angle, gc)

    renderer.draw_text = cached_draw_text


def _font(prop: Any) -> tuple[Any, ...]:
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
            prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily())


def _shaping(mtext: Any) -> tuple[Any, ...]:
    """The text's font features and language, which shape its glyphs (matplotlib 3.10 and later)."""
    if mtext is None:
        return ()
    features = getattr(mtext, "get_fontfeatures", lambda: None)()
    return (tuple(features) if features else None, getattr(mtext, "get_language", lambda: None)())

"""``--screenshot --view todo`` renders the "À faire" page of the demo dossier in a real process."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from tests.ui.test_screenshot import _run


def test_screenshot_of_the_todo_page(tmp_path: Path, demo_path: Path) -> None:
    target = tmp_path / "todo.png"
    result = _run(tmp_path, demo_path, target, "todo")
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(200, 1280, 7) for y in range(120, 780, 7)}
    assert len(colours) > 20  # rows, icons, amounts in red: not an empty page

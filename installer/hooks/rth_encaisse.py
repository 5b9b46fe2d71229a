"""Runtime hook of the bundle: settings the frozen app needs before any import."""

import os

# matplotlib's Qt canvas must pick the bundled binding (PySide6), never probe for PyQt.
os.environ.setdefault("QT_API", "pyside6")

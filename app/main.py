"""The ``encaisse`` command: a verb runs the CLI, anything else opens the window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app import __version__, cli
from app.i18n import _, set_language


def _language(argv: list[str]) -> list[str]:
    """Apply ``--lang`` before anything is translated, and drop it from the arguments."""
    for index, value in enumerate(argv):
        if value == "--lang" and index + 1 < len(argv):
            set_language(argv[index + 1])
            return argv[:index] + argv[index + 2:]
        if value.startswith("--lang="):
            set_language(value.split("=", 1)[1])
            return argv[:index] + argv[index + 1:]
    return argv


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="encaisse", description=_(
        "Encaisse: get paid. Commands: {commands} (encaisse COMMAND --help).").format(
            commands=", ".join(cli.COMMANDS)))
    parser.add_argument("--version", action="version", version=f"Encaisse {__version__}")
    parser.add_argument("--lang", choices=("fr", "en"), help=_("interface language (default: French)"))
    parser.add_argument("dossier", nargs="?", type=Path, help=_("the .encaisse dossier to open"))
    parser.add_argument("--demo", action="store_true", help=_("open a freshly generated demo dossier"))
    parser.add_argument("--read-only", action="store_true", help=_("open the dossier without changing it"))
    parser.add_argument("--as-of", type=cli.parse_date, default=None, help=_("date the figures are computed at"))
    parser.add_argument("--screenshot", type=Path, help=_("save the window to this PNG and quit"))
    parser.add_argument("--view", default="dashboard",
                        help=_("view shown first (dashboard, aging, clients, invoices, client:CODE)"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _language(list(sys.argv[1:] if argv is None else argv))
    if arguments and arguments[0] in cli.COMMANDS:
        return cli.main(arguments)
    options = _gui_parser().parse_args(arguments)
    from app.ui.application import run  # imported here so that the CLI verbs never load Qt

    status: int = run(dossier_path=options.dossier, demo=options.demo, screenshot=options.screenshot,
                      view=options.view, as_of=options.as_of, read_only=options.read_only)
    return status


if __name__ == "__main__":
    sys.exit(main())

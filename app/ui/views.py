"""The pages of the main window's navigation pane, in order; adding a page is one line here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.i18n import N_
from app.ui.aging_view import AgingView
from app.ui.clients_view import ClientsView
from app.ui.dashboard_view import DashboardView
from app.ui.invoices_view import InvoicesView
from app.ui.todo_view import TodoView
from app.ui.view_base import DossierView, ViewContext


@dataclass(frozen=True)
class ViewSpec:
    """A page: ``key`` for the command line (--view) and tests, ``label`` marked with N_."""

    key: str
    label: str
    icon: str
    factory: Callable[[ViewContext], DossierView]


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("dashboard", N_("Dashboard"), "dashboard.svg", DashboardView),
    ViewSpec("todo", N_("To do"), "todo.svg", TodoView),
    ViewSpec("aging", N_("Aged balance"), "aging.svg", AgingView),
    ViewSpec("clients", N_("Clients"), "clients.svg", ClientsView),
    ViewSpec("invoices", N_("Invoices"), "invoices.svg", InvoicesView),
)

VIEW_KEYS = tuple(spec.key for spec in VIEWS)

"""Names, units and formulas of the key figures, as shown on tiles, tooltips and the CLI."""

from __future__ import annotations

from app.domain.periods import Period
from app.i18n import N_, _
from app.services.dto import Kpi

# key: (label, unit, formula); marked with N_ and translated when a report is built.
KPI_SPECS: dict[str, tuple[str, str, str]] = {
    "receivables": (N_("Total receivable"), "cents", N_("Open amount of every invoice issued by the date.")),
    "overdue": (N_("Overdue amount"), "cents", N_("Open amount of invoices whose due date has passed.")),
    "overdue_rate": (N_("Overdue rate"), "percent", N_("Overdue amount ÷ total receivable × 100.")),
    "dso_accounting": (N_("DSO (accounting)"), "days",
                       N_("Receivables incl. tax ÷ sales incl. tax of the period × days of the period.")),
    "dso_countback": (N_("DSO (countback)"), "days",
                      N_("Receivables exhausted by each month's sales, walking back from the date.")),
    "best_possible_dso": (N_("Best possible DSO"), "days",
                          N_("Receivables not yet due ÷ sales of the period × days of the period.")),
    "cei": (N_("CEI"), "percent",
            N_("(Opening receivables + sales − closing receivables) ÷ "
               "(opening receivables + sales − closing amount not yet due) × 100.")),
    "average_days_late": (N_("Average days late"), "days",
                          N_("Days between due date and payment, weighted by the amounts paid in the period.")),
    "collection_rate": (N_("Collection rate"), "percent",
                        N_("Collected in the period ÷ (opening receivables + sales of the period) × 100.")),
    "dispute_rate": (N_("Dispute rate"), "percent",
                     N_("Invoices of the period that were disputed ÷ invoices of the period (amounts) × 100.")),
    "promise_kept_rate": (N_("Promises kept"), "percent",
                          N_("Promises whose date (plus grace days) has passed that were paid in time ÷ all those.")),
    "write_off_rate": (N_("Write-off rate"), "percent",
                       N_("Amounts written off in the period ÷ sales of the period × 100.")),
}


def kpi_view(key: str, value: float | int | None, period: Period) -> Kpi:
    label, unit, formula = KPI_SPECS[key]
    return Kpi(key, _(label), value, unit, _(formula), period.start, period.end)

"""Benchmark: 500 queued e-mails sent through the outbox to a loopback aiosmtpd server, next to a bare smtplib loop
sending the same prebuilt messages over one connection.

Usage: python bench/mail_outbox.py [--count 500]
"""

from __future__ import annotations

import argparse
import smtplib
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.mail.smtpd: the same server as the tests

from app.domain.kinds import OutboxState
from app.mail.smtp import Security
from app.services import clients, mail, mail_outbox, next_steps
from app.services.clock import fixed_clock
from app.services.dto import ClientInput, CompanyInput, ContactInput, InvoiceInput
from app.services.invoices import add_invoice
from app.services.workspace import Workspace, create_workspace
from tests.mail.smtpd import smtp_server

AS_OF = date(2026, 11, 23)
SENDER = "relances@atelier-test.fr"


def _dossier(path: Path, port: int) -> Workspace:
    company = CompanyInput(legal_name="Atelier Bench SARL", legal_form="SARL", siren="732829320",
                           siret="73282932000074", address_line1="1 rue A", postcode="69002", city="Lyon",
                           iban="FR7630006000011234567890189", email=SENDER)
    ws = create_workspace(path, company, clock=fixed_clock(AS_OF))
    client_id = clients.add_client(ws, ClientInput(account_code="OMEGA", name="Oméga SAS", address_line1="2 rue B",
                                                   postcode="69001", city="Lyon"))
    clients.add_contact(ws, ContactInput(client_id, "Claire Martin", email="compta@omega.fr", is_billing=True))
    add_invoice(ws, InvoiceInput(number="R1", client_id=client_id, issue_date=date(2026, 10, 10),
                                 due_date=date(2026, 11, 10), amount_incl_cents=120_000, amount_excl_cents=100_000))
    mail.save_mail_settings(ws, mail.MailSettings("127.0.0.1", port, Security.NONE, "", "Atelier", SENDER))
    return ws


def _fill(ws: Workspace, count: int) -> list[bytes]:
    """One reminder queued through the service, copied to ``count`` rows with their own Message-IDs."""
    (suggestion,) = next_steps.build_todo(ws, AS_OF).suggestions
    first = mail_outbox.queue_reminder(ws, suggestion, AS_OF)
    template = mail_outbox.eml_bytes(ws, first)
    (row,) = mail_outbox.outbox(ws)
    connection = sqlite3.connect(ws.path)
    emls = [template]
    with connection:
        for n in range(1, count):
            eml = template.replace(row.message_id.encode(), row.message_id.replace("@", f".{n}@").encode())
            emls.append(eml)
            connection.execute(
                "INSERT INTO outbox (client_id, action_id, suggestion_key, recipient, subject, message_id, eml, state,"
                " attempts, last_error, server_answer, queued_at) VALUES (?, ?, '', ?, ?, ?, ?, ?, 0, '', '', ?)",
                (row.client_id, row.action_id, row.recipient, row.subject,
                 row.message_id.replace("@", f".{n}@"), eml, OutboxState.QUEUED.value, row.queued_at.isoformat(" ")))
    connection.close()
    return emls


def bare_loop(port: int, emls: list[bytes]) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for eml in emls:
            client.sendmail(SENDER, ["compta@omega.fr"], eml)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, smtp_server() as server:
        ws = _dossier(Path(folder) / "bench.encaisse", server.port)
        emls = _fill(ws, args.count)
        limit = bare_loop(server.port, emls)
        start = time.perf_counter()
        report = mail_outbox.send_queued(ws)
        ours = time.perf_counter() - start
        ws.close()
        assert len(report.sent) == args.count, report
        assert len(server.handler.received) == 2 * args.count
    print(f"outbox: {args.count} messages in {ours:.2f} s ({args.count / ours:.0f}/s); "
          f"bare smtplib loop: {limit:.2f} s ({args.count / limit:.0f}/s)")
    print(f"BENCH mail_outbox ours_s={ours:.3f} limit_s={limit:.3f} ratio={ours / limit:.2f}")


if __name__ == "__main__":
    main()

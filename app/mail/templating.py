"""Subject and body of an e-mail rendered from a user-editable template in Jinja2's immutable sandbox."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.errors import KnownError
from app.i18n import _

SECTIONS = ("subject", "body")
_SECTION_LINE = re.compile(r"^\[(subject|body)\]\s*$")


class MailTemplateRefused(KnownError):
    """An e-mail template that cannot be used; the message says why."""


@cache
def _environment() -> ImmutableSandboxedEnvironment:
    # autoescape off: a plain-text e-mail.
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def parse_sections(text: str) -> dict[str, str]:
    """``[subject]`` and ``[body]`` of a template file's text."""
    lines: dict[str, list[str]] = {name: [] for name in SECTIONS}
    current: str | None = None
    for line in text.splitlines():
        match = _SECTION_LINE.match(line)
        if match:
            current = match.group(1)
        elif current is not None:
            lines[current].append(line)
    return {name: "\n".join(lines[name]).strip() for name in SECTIONS}


def check_sections(sections: Mapping[str, str], allowed: Collection[str]) -> None:
    """Refuse a syntax error or a placeholder outside ``allowed`` (MailTemplateRefused)."""
    env = _environment()
    for name in SECTIONS:
        try:
            tree = env.parse(sections.get(name, ""))
        except TemplateSyntaxError as error:
            raise MailTemplateRefused(_("Section “{section}”, line {line}: {message}").format(
                section=name, line=error.lineno, message=error.message)) from error
        unknown = sorted(meta.find_undeclared_variables(tree) - set(allowed))
        if unknown:
            raise MailTemplateRefused(_("Section “{section}”: unknown placeholder {{{{ {name} }}}}. Allowed: "
                                        "{allowed}.").format(section=name, name=unknown[0],
                                                             allowed=", ".join(sorted(allowed))))


def render_mail(sections: Mapping[str, str], context: Mapping[str, object]) -> tuple[str, str]:
    """(subject on one line, body) rendered with ``context``; only its keys are placeholders."""
    check_sections(sections, context.keys())
    env = _environment()
    rendered = {}
    for name in SECTIONS:
        try:
            rendered[name] = env.from_string(sections.get(name, "")).render(dict(context)).strip()
        except Exception as error:  # a sandbox refusal or a failing expression: say so, never crash
            raise MailTemplateRefused(_("Section “{section}” cannot be rendered: {detail}.").format(
                section=name, detail=error)) from error
    return " ".join(rendered["subject"].split()), rendered["body"] + "\n"

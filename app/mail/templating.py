"""Subject and body of an e-mail rendered from a user-editable template in Jinja2's immutable sandbox."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from types import TracebackType

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.errors import KnownError
from app.i18n import N_, _

SECTIONS = ("subject", "body")
_SECTION_LINE = re.compile(r"^\[(subject|body)\]\s*$")
_BREAKS = re.compile(r"[ \t\r\n]+")
SECTION_LABELS = {"subject": N_("subject"), "body": N_("body")}
_TEMPLATE_FILE = "<template>"  # the file name Jinja gives a template made from a string, in tracebacks


class MailTemplateRefused(KnownError):
    """An e-mail template that cannot be used; the message says why and where (section and line)."""

    def __init__(self, message: str, section: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.section = section
        self.line = line


@cache
def _environment() -> ImmutableSandboxedEnvironment:
    # autoescape off: a plain-text e-mail. trim_blocks/lstrip_blocks: a line holding only {% for %} or {% if %}
    # leaves no blank line behind, so a template can list the invoices one per line.
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                                         lstrip_blocks=True)


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


def _free_names(node: nodes.Node, bound: frozenset[str]) -> Iterator[tuple[int, str]]:
    """(line, name) of each name read outside the loops that define it: where an unknown placeholder is used."""
    if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in bound:
        yield node.lineno, node.name
    if isinstance(node, nodes.For):
        targets = [node.target, *node.target.find_all(nodes.Name)]  # a name, or a tuple of names
        inner = bound | {target.name for target in targets if isinstance(target, nodes.Name)}
        yield from _free_names(node.iter, bound)
        for child in (*node.body, *([node.test] if node.test else [])):
            yield from _free_names(child, inner)
        for child in node.else_:
            yield from _free_names(child, bound)
        return
    for child in node.iter_child_nodes():
        yield from _free_names(child, bound)


def check_sections(sections: Mapping[str, str], allowed: Collection[str]) -> None:
    """Refuse a syntax error or a placeholder outside ``allowed`` (MailTemplateRefused names section and line)."""
    env = _environment()
    for name in SECTIONS:
        try:
            tree = env.parse(sections.get(name, ""))
        except TemplateSyntaxError as error:
            text = _("Section “{section}”, line {line}: {message}").format(
                section=_(SECTION_LABELS[name]), line=error.lineno, message=error.message)
            raise MailTemplateRefused(text, name, error.lineno) from error
        unknown = meta.find_undeclared_variables(tree) - set(allowed)
        if unknown:
            line, first = min((at, free) for at, free in _free_names(tree, frozenset()) if free in unknown)
            raise MailTemplateRefused(_("Section “{section}”, line {line}: unknown placeholder {{{{ {name} }}}}.")
                                      .format(section=_(SECTION_LABELS[name]), line=line, name=first), name, line)


def _template_line(traceback: TracebackType | None) -> int | None:
    """The template line a rendering error happened on (Jinja puts the template's frames in the traceback)."""
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == _TEMPLATE_FILE:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def render_mail(sections: Mapping[str, str], context: Mapping[str, object]) -> tuple[str, str]:
    """(subject on one line, body) rendered with ``context``; only its keys are placeholders."""
    check_sections(sections, context.keys())
    env = _environment()
    rendered = {}
    for name in SECTIONS:
        try:
            rendered[name] = env.from_string(sections.get(name, "")).render(dict(context)).strip()
        except Exception as error:  # a sandbox refusal or a failing expression: say so, never crash
            line = _template_line(error.__traceback__)
            where = _("Section “{section}”, line {line}").format(section=_(SECTION_LABELS[name]), line=line) \
                if line else _("Section “{section}”").format(section=_(SECTION_LABELS[name]))
            raise MailTemplateRefused(_("{where}: cannot be rendered ({detail}).").format(
                where=where, detail=error), name, line) from error
    # One line; the no-break spaces inside amounts (1 234,56 €) stay as they are.
    return _BREAKS.sub(" ", rendered["subject"]), rendered["body"] + "\n"

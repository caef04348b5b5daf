"""Message templates as data (``templates/messages.yaml``): Jinja2 in a sandbox, per kind and
language. A kind without a template, or a template that fails on an event, falls back to the
``default`` one and is logged: a wording problem must never lose a notification."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from jiandu_notifications.domain.directory import Locale

logger = logging.getLogger("jiandu.notifications.templates")

SOURCE_LABELS = {
    "party_committee": "县委点题",
    "state_organs": "一府一委两院报题",
    "committee_liaison": "委室座谈会商题",
    "deputy": "人大代表出题",
    "public": "面向社会征题",
}
SOURCE_LABELS_EN = {
    "party_committee": "party committee",
    "state_organs": "state organs",
    "committee_liaison": "committee liaison meeting",
    "deputy": "deputy",
    "public": "the public",
}


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


class TemplateBook:
    def __init__(self, templates: Mapping[str, Mapping[str, Mapping[str, str]]]) -> None:
        if "default" not in templates:
            raise ValueError("the templates need a 'default' entry")
        for kind, languages in templates.items():
            for locale in Locale:
                entry = languages.get(locale.value)
                if not entry or "title" not in entry or "body" not in entry:
                    raise ValueError(f"template {kind!r} lacks {locale.value} title/body")
        self._env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        self._compiled = {
            (kind, locale): (
                self._env.from_string(entry["title"]),
                self._env.from_string(entry["body"]),
            )
            for kind, languages in templates.items()
            for locale, entry in languages.items()
        }
        self.kinds = frozenset(templates)

    @classmethod
    def load(cls, path: Path | None = None) -> TemplateBook:
        if path is None:
            text = (
                resources.files("jiandu_notifications")
                .joinpath("templates/messages.yaml")
                .read_text("utf-8")
            )
        else:
            text = path.read_text("utf-8")
        return cls(yaml.safe_load(text))

    def render(self, kind: str, locale: Locale, context: Mapping[str, Any]) -> Rendered:
        values = {"labels": {"source": SOURCE_LABELS, "source_en": SOURCE_LABELS_EN}, **context}
        key = (kind if kind in self.kinds else "default", locale.value)
        try:
            return self._render(key, values)
        except (TemplateError, KeyError, TypeError, ValueError) as exc:
            logger.warning("template %s/%s failed (%s); using the default", kind, locale, exc)
            return self._render(("default", locale.value), values)

    def _render(self, key: tuple[str, str], values: Mapping[str, Any]) -> Rendered:
        title, body = self._compiled[key]
        return Rendered(title.render(values).strip()[:300], body.render(values).strip())

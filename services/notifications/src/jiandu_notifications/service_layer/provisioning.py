"""Provisioning from files (``deploy/notifications/*.yaml``): the directory and subscribers an
operator declares, applied at start and by ``jiandu-notifications provision``. Applying a file
twice changes nothing; a changed entry is updated in place (secrets are only ever added, so a
running subscriber keeps verifying while it rotates)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from jiandu_notifications.service_layer.context import Context
from jiandu_notifications.service_layer.definitions import (
    ProvisionedRecipient,
    ProvisionedSubscriber,
)
from jiandu_notifications.service_layer.subscribers import new_secret
from jiandu_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from jiandu_shared.errors import RuleViolation


class ProvisioningError(RuleViolation):
    pass


@dataclass
class Provisioned:
    recipients_added: int = 0
    recipients_updated: int = 0
    subscribers_added: int = 0
    subscribers_updated: int = 0
    files: list[str] = field(default_factory=list)


def _entries(path: Path, section: str) -> list[dict[str, Any]]:
    try:
        document = yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ProvisioningError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise ProvisioningError(f"{path}: expected a mapping with '{section}'")
    entries = document.get(section, [])
    if not isinstance(entries, list):
        raise ProvisioningError(f"{path}: '{section}' must be a list")
    return entries


def _parse(path: Path, section: str, model: Any) -> list[Any]:
    parsed = []
    for i, raw in enumerate(_entries(path, section)):
        try:
            parsed.append(model.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ProvisioningError(f"{path}: {section}[{i}].{where}: {first['msg']}") from exc
    return parsed


def read_definitions(
    directory: Path,
) -> tuple[list[str], list[ProvisionedRecipient], list[ProvisionedSubscriber]]:
    """Every ``*.yaml`` in ``directory``, sections ``recipients`` and ``subscribers``."""
    if not directory.is_dir():
        raise ProvisioningError(f"{directory}: no such directory")
    files = sorted(directory.glob("*.yaml"))
    people = [p for f in files for p in _parse(f, "recipients", ProvisionedRecipient)]
    subs = [s for f in files for s in _parse(f, "subscribers", ProvisionedSubscriber)]
    return [str(f) for f in files], people, subs


async def provision(directory: Path, uow: NotificationsUnitOfWork, ctx: Context) -> Provisioned:
    """Apply the definitions of ``directory`` in one transaction: all of them or none."""
    files, people, subs = await asyncio.to_thread(read_definitions, directory)
    result = Provisioned(files=files)
    async with uow:
        for person in people:
            entry = person.to_recipient(person.stable_id)
            existing = await uow.recipients.session.get(type(entry), entry.id)
            if existing is None:
                uow.recipients.add(entry)
                result.recipients_added += 1
            else:
                for name in (
                    "role",
                    "ref",
                    "name",
                    "email",
                    "phone",
                    "channels",
                    "locale",
                    "digest",
                    "active",
                ):
                    setattr(existing, name, getattr(entry, name))
                result.recipients_updated += 1
        for definition in subs:
            try:
                secret = definition.resolved_secret()
            except ValueError as exc:
                raise ProvisioningError(f"subscriber {definition.code}: {exc}") from exc
            now = ctx.clock.now()
            wanted = definition.to_subscriber(now, secret or new_secret(ctx).value)
            try:
                wanted.check(ctx.catalogue_types)
            except RuleViolation as exc:
                raise ProvisioningError(f"subscriber {definition.code}: {exc}") from exc
            existing_sub = await uow.subscribers.find_code(definition.code)
            if existing_sub is None:
                uow.subscribers.add(wanted)
                result.subscribers_added += 1
                continue
            for name in (
                "name",
                "kind",
                "method",
                "agency",
                "webhook_url",
                "entitled_types",
                "entitled_classifications",
                "subscriptions",
                "active",
            ):
                setattr(existing_sub, name, getattr(wanted, name))
            if secret and secret not in existing_sub.signing_secrets():
                existing_sub.add_secret(new_secret(ctx, secret))
            result.subscribers_updated += 1
        await uow.commit()
    return result

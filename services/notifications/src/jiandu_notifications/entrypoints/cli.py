"""``jiandu-notifications``: the operator's command line for deliveries and provisioning.

``failed`` and ``replay`` talk to the running service's API (``--url``, default the local
one), with ``--token`` or, on a developer's machine, an operator token minted from the
deployment's ``JIANDU_AUTH_SECRET``. ``provision`` applies directory and subscriber files
straight to the service's database (the same as at start with
``JIANDU_NOTIFICATIONS_PROVISION_DIR``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import httpx

from jiandu_shared.errors import DomainError
from jiandu_shared.settings import PlatformSettings, service_settings
from jiandu_shared.web.auth import Role, mint_token


def _client(args: argparse.Namespace) -> httpx.Client:
    token = args.token or mint_token(PlatformSettings().auth_secret, "cli", Role.OPERATOR)
    return httpx.Client(
        base_url=args.url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0
    )


def _check(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        detail = response.json().get("detail", response.text) if response.content else ""
        raise SystemExit(f"{response.status_code}: {detail}")
    return response.json()


def failed(args: argparse.Namespace) -> None:
    with _client(args) as client:
        params: dict[str, Any] = {"status": "failed", "limit": args.limit}
        if args.target:
            params["target_id"] = args.target
        page = _check(client.get("/deliveries", params=params))
    if args.json:
        print(json.dumps(page, ensure_ascii=False, indent=2))
        return
    print(f"{page['total']} failed deliveries")
    for d in page["items"]:
        print(
            f"{d['id']}  {d['failed_at']}  {d['channel']:<12} {d['event_type']:<40} "
            f"{d['target_kind']}:{d['target_id']}  {d['last_error']}"
        )


def replay(args: argparse.Namespace) -> None:
    body: dict[str, Any] = {"limit": args.limit}
    if args.ids:
        body["delivery_ids"] = args.ids
    elif args.target:
        body["target_id"] = args.target
    elif not args.all:
        raise SystemExit("name deliveries to replay, or --target, or --all")
    with _client(args) as client:
        done = _check(client.post("/deliveries/replay", json=body))
    print(f"replayed {done['replayed']} deliveries")


def provision(args: argparse.Namespace) -> None:
    from jiandu_notifications.bootstrap import SPEC
    from jiandu_notifications.service_layer.context import Context
    from jiandu_notifications.service_layer.provisioning import provision as apply
    from jiandu_shared.service import bootstrap

    async def run() -> None:
        service = bootstrap(SPEC, service_settings("notifications"))
        await service.runtime.migrate()
        try:
            done = await apply(
                Path(args.directory), service.uow(), Context.for_clock(service.clock)
            )
        finally:
            await service.runtime.database.dispose()
        print(
            f"recipients: {done.recipients_added} added, {done.recipients_updated} updated; "
            f"subscribers: {done.subscribers_added} added, {done.subscribers_updated} updated "
            f"({len(done.files)} files)"
        )

    try:
        asyncio.run(run())
    except DomainError as exc:
        raise SystemExit(str(exc)) from None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="jiandu-notifications", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--url", default="http://127.0.0.1:8004")
    parser.add_argument("--token", default=None, help="an operator's bearer token")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("failed", help="list the failed deliveries")
    p.add_argument("--target", help="only this recipient's or subscriber's id")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=failed)
    p = commands.add_parser("replay", help="replay failed deliveries")
    p.add_argument("ids", nargs="*", help="delivery ids")
    p.add_argument("--target", help="every failed delivery of this recipient or subscriber")
    p.add_argument("--all", action="store_true", help="the whole failed list")
    p.add_argument("--limit", type=int, default=500)
    p.set_defaults(run=replay)
    p = commands.add_parser("provision", help="apply directory and subscriber files")
    p.add_argument("directory", help="e.g. deploy/notifications")
    p.set_defaults(run=provision)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except httpx.HTTPError as exc:
        print(f"cannot reach {args.url}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()

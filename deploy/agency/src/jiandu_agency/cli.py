"""``jiandu-agency``: run the agency subscriber, or check its settings.

jiandu-agency run [--env-file agency.env]     # queue or webhook mode, from the settings
jiandu-agency check [--env-file agency.env]   # print the settings (secrets hidden)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from jiandu_agency.bootstrap import build_receiver
from jiandu_agency.queue_mode import QueueConsumer
from jiandu_agency.settings import AgencySettings, Mode
from jiandu_agency.webhook_mode import create_app

logger = logging.getLogger("jiandu.agency")


def load(env_file: Path | None) -> AgencySettings:
    if env_file is not None and not env_file.is_file():
        raise SystemExit(f"jiandu-agency: no env file {env_file}")
    try:
        return AgencySettings(_env_file=env_file)
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        ]
        raise SystemExit("jiandu-agency: invalid settings\n" + "\n".join(lines)) from None


async def run_queue(settings: AgencySettings) -> None:
    receiver = build_receiver(settings)
    consumer = QueueConsumer(
        receiver,
        settings.amqp_url.get_secret_value(),
        settings.queue_name,
        prefetch=settings.prefetch,
        retry_max_seconds=settings.sink_retry_max_seconds,
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(consumer.stop()))
    try:
        await consumer.run_forever()
    except Exception as exc:
        raise SystemExit(
            f"jiandu-agency: cannot consume {settings.queue_name}: {type(exc).__name__}: {exc}"
        ) from None
    finally:
        await consumer.stop()
        await receiver.aclose()


def run_webhook(settings: AgencySettings) -> None:
    receiver = build_receiver(settings)
    app = create_app(receiver, max_body_bytes=settings.max_body_bytes)
    # The app's lifespan closes the receiver when uvicorn stops.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="jiandu-agency", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "check"], nargs="?", default="run")
    parser.add_argument("--env-file", type=Path, default=None)
    args = parser.parse_args(argv)
    settings = load(args.env_file)
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    if args.command == "check":
        for name, value in settings.model_dump().items():
            print(f"{name} = {value}")
        print(f"queue_name = {settings.queue_name}")
        print(f"event_dir = {settings.event_dir}")
        return
    logger.info("agency %s, %s mode", settings.code, settings.mode.value)
    if settings.mode is Mode.QUEUE:
        asyncio.run(run_queue(settings))
    else:
        run_webhook(settings)


if __name__ == "__main__":
    main()

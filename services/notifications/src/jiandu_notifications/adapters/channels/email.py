"""E-mail over SMTP (aiosmtplib): one connection per message.

The ``Message-ID`` is derived from the delivery, so a retry of the same delivery carries the
same id and a mail system can recognise the duplicate.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from jiandu_notifications.adapters.channels.settings import ChannelSettings
from jiandu_notifications.domain.outgoing import OutgoingMessage, SendOutcome
from jiandu_shared.webhooks import EVENT_ID_HEADER, EVENT_TYPE_HEADER

logger = logging.getLogger("jiandu.notifications.email")

CORRELATION_ID_HEADER = "X-Jiandu-Correlation-Id"
_DETAIL_LIMIT = 500


def message_id(message: OutgoingMessage) -> str:
    return f"<{message.delivery_id}@jiandu>"


def build_email(message: OutgoingMessage, sender: str) -> EmailMessage:
    mail = EmailMessage()  # policy.default: RFC 2047 headers, UTF-8 body
    mail["From"] = sender
    mail["To"] = message.address
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = message_id(message)
    mail[EVENT_ID_HEADER] = str(message.event_id)
    mail[EVENT_TYPE_HEADER] = message.event_type
    mail[CORRELATION_ID_HEADER] = message.correlation_id
    # base64 keeps the Chinese text intact through relays that are not 8-bit clean.
    mail.set_content(message.text, charset="utf-8", cte="base64")
    return mail


def _reply(code: int, text: str) -> str:
    return f"{code} {text}".strip()[:_DETAIL_LIMIT]


def classify_smtp_error(exc: Exception) -> SendOutcome:
    """5xx replies and refused recipients fail for good; 4xx and network trouble are retried."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        detail = "; ".join(f"{r.recipient}: {_reply(r.code, r.message)}" for r in exc.recipients)
        detail = f"recipient refused: {detail}"[:_DETAIL_LIMIT]
        if codes and all(400 <= c < 500 for c in codes):
            return SendOutcome.transient(detail)
        return SendOutcome.permanent(detail)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        detail = f"{type(exc).__name__}: {_reply(exc.code, exc.message)}"
        if 400 <= exc.code < 500 or exc.code < 0:
            return SendOutcome.transient(detail)
        return SendOutcome.permanent(detail)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        # E.g. a non-ASCII address for a server without SMTPUTF8, or STARTTLS it does not offer.
        return SendOutcome.permanent(f"{type(exc).__name__}: {exc}"[:_DETAIL_LIMIT])
    # Timeouts, refused connections, disconnects, DNS trouble: try again later.
    return SendOutcome.transient(f"{type(exc).__name__}: {exc}"[:_DETAIL_LIMIT])


class EmailSender:
    def __init__(self, settings: ChannelSettings) -> None:
        self.settings = settings

    async def send(self, message: OutgoingMessage) -> SendOutcome:
        s = self.settings
        try:
            mail = build_email(message, s.smtp_from)
        except (ValueError, TypeError) as exc:  # e.g. a header that cannot be encoded
            return SendOutcome.permanent(f"cannot build the e-mail: {exc}"[:_DETAIL_LIMIT])
        try:
            _responses, reply = await aiosmtplib.send(
                mail,
                sender=s.smtp_from,
                recipients=[message.address],
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                use_tls=s.smtp_use_tls,
                start_tls=s.smtp_starttls,
                timeout=s.smtp_timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            outcome = classify_smtp_error(exc)
            logger.info("e-mail delivery %s: %s", message.delivery_id, outcome.detail)
            return outcome
        except Exception as exc:  # never raise for a delivery failure
            logger.warning(
                "e-mail delivery %s failed unexpectedly", message.delivery_id, exc_info=True
            )
            return SendOutcome.transient(f"{type(exc).__name__}: {exc}"[:_DETAIL_LIMIT])
        return SendOutcome.sent(f"{message_id(message)} {reply}".strip()[:_DETAIL_LIMIT])

    async def aclose(self) -> None:
        """Nothing is held open between messages."""

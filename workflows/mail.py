"""Sending e-mail: the ``Mailer`` port, SMTP (aiosmtplib) and a Maildir for the embedded default.

Failures are sorted at this edge into what a later attempt may fix and what it will not:

    MailError
     +-- MailTransient   connection refused or dropped, timeout, 4xx reply: retry later
     +-- MailPermanent   5xx reply (recipient refused, message rejected): do not retry
"""

from __future__ import annotations

import asyncio
import mailbox
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Protocol

import aiosmtplib

if TYPE_CHECKING:
    from pathlib import Path


class MailError(Exception):
    """A message could not be handed over."""


class MailTransient(MailError):
    """Handing over may succeed later."""


class MailPermanent(MailError):
    """Handing over will not succeed by trying again."""


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand ``message`` (From and To set) over, or raise ``MailTransient``/``MailPermanent``."""
        ...


def build_message(
    *, sender: str, recipient: str, subject: str, text: str, html: str | None
) -> EmailMessage:
    """A MIME message: the text part, and the HTML part as an alternative when there is one."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 30.0
    ca_file: str | None = None
    """Certificates to trust for STARTTLS besides the system's (a private CA)."""


class SmtpMailer:
    """One SMTP session per message (aiosmtplib), STARTTLS and login as configured."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self._settings
        try:
            await aiosmtplib.send(
                message,
                hostname=s.host,
                port=s.port,
                username=s.username,
                password=s.password,
                start_tls=s.starttls,
                timeout=s.timeout,
                cert_bundle=s.ca_file,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            kind = MailTransient if all(400 <= c < 500 for c in codes) else MailPermanent
            raise kind(f"recipients refused: {exc}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            kind = MailTransient if 400 <= exc.code < 500 else MailPermanent
            raise kind(f"SMTP {exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailTransient(f"SMTP server {s.host}:{s.port}: {exc}") from exc


class MaildirMailer:
    """Delivers into a Maildir (``new/``), readable by any mail client: the embedded default."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, message: EmailMessage) -> None:
        def deliver() -> None:
            self.directory.parent.mkdir(parents=True, exist_ok=True)
            box = mailbox.Maildir(self.directory, create=True)
            box.add(message)

        try:
            await asyncio.to_thread(deliver)
        except OSError as exc:
            raise MailTransient(f"maildir {self.directory}: {exc}") from exc

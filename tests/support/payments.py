"""Fixtures for payment notices: a real SMTP server (aiosmtpd) on a free loopback port."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller

from tests.support.serve import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator
    from email.message import EmailMessage

    from sqlalchemy.ext.asyncio import AsyncSession

    from workflows.payments.notices import SentNotice


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps every accepted message; ``reply`` refuses them instead."""

    messages: list[EmailMessage] = field(default_factory=list)
    reply: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply is not None:
            return self.reply
        message = message_from_bytes(envelope.content, policy=default_policy)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server in a thread; ``stop()`` and ``start()`` take it down and back up."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.host = "127.0.0.1"
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Clock:
    """A clock the test moves by hand (the sender's retries are scheduled against it).

    It starts just after the real time, so messages queued before are due.
    """

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class RecordingLog:
    """A ``NoticeLog`` that keeps what it is given, and checks it runs inside a transaction."""

    def __init__(self) -> None:
        self.notices: list[SentNotice] = []

    async def record(self, session: AsyncSession, notice: SentNotice) -> None:
        assert session.in_transaction()
        self.notices.append(notice)

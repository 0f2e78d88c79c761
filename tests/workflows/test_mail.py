from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from api.notices import build_mailer, describe_mail
from api.settings import Settings
from tests.support.payments import Inbox, free_port
from tests.support.tls import self_signed, server_context
from workflows.mail import (
    MaildirMailer,
    MailPermanent,
    MailTransient,
    SmtpMailer,
    SmtpSettings,
    build_message,
)


def _message() -> EmailMessage:
    return build_message(
        sender="payments@frontdesk.example",
        recipient="ap@dupont.example",
        subject="Paid",
        text="Your money is on its way.",
        html="<p>Your money is on its way.</p>",
    )


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"frontdesk",
        b"s3cret",
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    return self_signed(tmp_path)


@pytest.fixture
def auth_server(certificate: tuple[Path, Path]) -> Any:
    """A real SMTP server that requires STARTTLS before AUTH, and AUTH before mail."""
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=_authenticator,
        auth_required=True,
        require_starttls=True,
        tls_context=server_context(*certificate),
    )
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


async def test_smtp_upgrades_with_starttls_and_logs_in_as_configured(
    auth_server: Any, certificate: tuple[Path, Path]
) -> None:
    controller, inbox = auth_server
    settings = SmtpSettings(
        host="127.0.0.1",
        port=controller.port,
        username="frontdesk",
        password="s3cret",
        starttls=True,
        ca_file=str(certificate[0]),
    )
    await SmtpMailer(settings).send(_message())
    (received,) = inbox.messages
    assert received["To"] == "ap@dupont.example"
    assert received.get_body(("html",)).get_content().strip() == "<p>Your money is on its way.</p>"


async def test_refusals_are_permanent_and_a_closed_port_transient(
    auth_server: Any, certificate: tuple[Path, Path]
) -> None:
    controller, inbox = auth_server
    wrong = SmtpSettings(
        host="127.0.0.1",
        port=controller.port,
        username="frontdesk",
        password="nope",
        ca_file=str(certificate[0]),
        timeout=5,
    )
    with pytest.raises(MailPermanent, match="535"):
        await SmtpMailer(wrong).send(_message())
    closed = SmtpSettings(host="127.0.0.1", port=free_port(), starttls=False, timeout=2)
    with pytest.raises(MailTransient, match=r"SMTP server 127\.0\.0\.1"):
        await SmtpMailer(closed).send(_message())
    assert inbox.messages == []


def test_without_an_smtp_host_notices_go_to_the_maildir_in_the_data_dir(tmp_path: Path) -> None:
    embedded = Settings(data_dir=tmp_path / "data")
    mailer = build_mailer(embedded)
    assert isinstance(mailer, MaildirMailer)
    assert mailer.directory == tmp_path / "data" / "mail"
    assert str(tmp_path / "data" / "mail") in describe_mail(embedded)
    smtp = Settings(smtp_host="mail.example", smtp_port=2525, smtp_password="x")  # type: ignore[arg-type]
    assert isinstance(build_mailer(smtp), SmtpMailer)
    assert describe_mail(smtp) == "payment notices: SMTP mail.example:2525 (STARTTLS)"

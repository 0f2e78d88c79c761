"""``frontdesk api-key create | list | revoke``: API keys for service accounts and partners."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from api.auth.api_keys import create_api_key
from api.settings import Settings, SettingsError, load_settings
from crm_store.repositories.api_keys import ApiKeyRepository
from crm_store.session import create_engine, create_sessionmaker
from resolvers.principal import Role

api_key_app = typer.Typer(
    help="API keys for service accounts and partner portals (only their hash is stored).",
    no_args_is_help=True,
)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(f"frontdesk: {exc}", err=True)
        raise typer.Exit(2) from exc


async def _create(settings: Settings, role: Role, name: str, partner: str | None) -> str:
    engine = create_engine(settings.crm_database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            row, key = await create_api_key(session, role=role, name=name, partner_id=partner)
            await session.commit()
            return f"{row.id}\t{key}"
    finally:
        await engine.dispose()


@api_key_app.command("create")
def create(
    role: Annotated[Role, typer.Option(help="The key's role.", case_sensitive=False)],
    partner: Annotated[
        str | None, typer.Option(help="Partner id: the key sees only this partner's customers.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="What the key is for.")] = None,
) -> None:
    """Create a key and print it once (id, then the key); it cannot be shown again."""
    if role is Role.PARTNER and not partner:
        typer.echo("frontdesk: a partner key needs --partner", err=True)
        raise typer.Exit(2)
    label = name or (f"partner {partner}" if partner else f"{role.value} key")
    typer.echo(asyncio.run(_create(_settings(), role, label, partner)))
    typer.echo("Keep the key now: only its hash is stored.", err=True)


async def _list(settings: Settings) -> list[str]:
    engine = create_engine(settings.crm_database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await ApiKeyRepository(session).all()
    finally:
        await engine.dispose()
    lines = ["id\tprefix\trole\tpartner\tname\tcreated\tlast used\tstatus"]
    for row in rows:
        status = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
        last_used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
        lines.append(
            f"{row.id}\tfd_{row.prefix}\t{row.role}\t{row.partner_id or '-'}\t{row.name}\t"
            f"{row.created_at:%Y-%m-%d %H:%M}\t{last_used}\t{status}"
        )
    return lines


@api_key_app.command("list")
def list_keys() -> None:
    """List the keys (never the keys themselves: their prefix, role, partner and use)."""
    for line in asyncio.run(_list(_settings())):
        typer.echo(line)


async def _revoke(settings: Settings, key_id: int) -> bool:
    engine = create_engine(settings.crm_database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            row = await ApiKeyRepository(session).revoke(key_id)
            await session.commit()
            return row is not None
    finally:
        await engine.dispose()


@api_key_app.command("revoke")
def revoke(
    key_id: Annotated[int, typer.Argument(help="The key's id (see `api-key list`).")],
) -> None:
    """Revoke a key: requests with it are refused from now on."""
    if not asyncio.run(_revoke(_settings(), key_id)):
        typer.echo(f"frontdesk: no API key with id {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked API key {key_id}")

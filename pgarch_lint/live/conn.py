"""Connecting to PostgreSQL, and keeping the DSN's password out of every message.

psycopg is imported here, lazily, and nowhere else at module level. Anything that goes wrong
while talking to the server becomes a :class:`LiveError` whose text went through
:func:`redact`: the password of the DSN (as written, percent-decoded and percent-encoded) and
anything that looks like ``password=...`` or ``user:secret@`` is replaced by ``****``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any  # Any: psycopg (imported on demand) objects
from urllib.parse import parse_qs, quote, unquote, urlsplit

from pgarch_lint.errors import LiveError

__all__ = ["LiveError", "connect", "database_name", "guard", "psycopg", "redact"]

MASK = "****"
_KV_PASSWORD = re.compile(r"""password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)""", re.IGNORECASE)
_URI_USERINFO = re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)([^@\s]*)@", re.IGNORECASE)


def psycopg() -> Any:
    """The psycopg module, or a LiveError saying how to install it."""
    try:
        import psycopg as mod
    except ImportError:
        raise LiveError('live mode needs psycopg 3: pip install "psycopg[binary]>=3.1"') from None
    return mod


def _secrets(dsn: str) -> list[str]:
    found: list[str] = []
    if re.match(r"postgres(?:ql)?://", dsn, re.IGNORECASE):
        try:
            parts = urlsplit(dsn)
            netloc = parts.netloc
            userinfo = netloc.rpartition("@")[0] if "@" in netloc else ""
            if ":" in userinfo:
                found.append(userinfo.split(":", 1)[1])
            for v in parse_qs(parts.query).get("password", []):
                found.append(v)
        except ValueError:
            pass
    for m in _KV_PASSWORD.finditer(dsn):
        v = m.group(1)
        if v.startswith("'") and v.endswith("'") and len(v) >= 2:
            v = v[1:-1].replace("\\'", "'").replace("\\\\", "\\")
        found.append(v)
    out: list[str] = []
    for s in found:
        for form in (s, unquote(s), quote(unquote(s), safe="")):
            if form and form not in out:
                out.append(form)
    return sorted(out, key=len, reverse=True)


def redact(text: str, dsn: str | None) -> str:
    """``text`` with the DSN's password (and any password-looking parameter) masked."""
    if dsn:
        for s in _secrets(dsn):
            text = text.replace(s, MASK)
    text = _URI_USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    return _KV_PASSWORD.sub(f"password={MASK}", text)


def _one_line(exc: BaseException) -> str:
    msg = " ".join(str(exc).split())
    return msg or type(exc).__name__


@contextmanager
def guard(dsn: str | None, what: str = "database") -> Iterator[None]:
    """Turn any psycopg error inside the block into a redacted LiveError."""
    try:
        yield
    except LiveError as exc:
        raise LiveError(redact(str(exc), dsn)) from None
    except Exception as exc:
        mod = psycopg()
        if isinstance(exc, mod.Error):
            raise LiveError(f"{what}: {redact(_one_line(exc), dsn)}") from None
        raise


def connect(dsn: str, *, dbname: str | None = None, autocommit: bool = False) -> Any:
    """Open a connection (optionally to another database of the same server)."""
    pg = psycopg()
    with guard(dsn, "cannot connect"):
        conninfo = dsn
        if dbname is not None:
            conninfo = pg.conninfo.make_conninfo(dsn, dbname=dbname)
        conn = pg.connect(
            conninfo, autocommit=autocommit, connect_timeout=10, application_name="pgarch-lint"
        )
    return conn


def database_name(conn: Any) -> str:
    return str(conn.info.dbname)

"""The validated shape of the ``review`` section: the verification station's web server and access rules."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ReviewSettings(BaseModel):
    """How ``sohoa review`` listens, who it trusts, and how long sessions and leases last."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field("127.0.0.1", description="Address to listen on; loopback unless a reverse proxy needs more.")
    port: int = Field(8765, ge=1, le=65535, description="TCP port.")
    trusted_user_header: str | None = Field(
        None, description="Single sign-on: a header (e.g. X-Remote-User) naming the user a reverse proxy has "
                          "authenticated; off when empty. Only honoured from trusted-proxies.")
    trusted_proxies: tuple[str, ...] = Field(
        ("127.0.0.1",), description="Addresses of reverse proxies whose forwarded headers are believed.")
    lease_minutes: float = Field(10, gt=0, le=240, description="How long a field handed to a clerk stays theirs.")
    session_idle_minutes: float = Field(60, gt=0, description="A session unused this long ends.")
    session_hours: float = Field(10, gt=0, description="A session ends this long after login, used or not.")
    login_max_failures: int = Field(5, ge=1, description="Failed logins allowed per account and per address …")
    login_window_minutes: float = Field(15, gt=0, description="… within this many minutes.")
    cache_dir: Path | None = Field(None, description="Rendered page images (owner-only); "
                                                     "default ARCHIVE/.review-cache.")

    @field_validator("trusted_user_header")
    @classmethod
    def _header_name(cls, value: str | None) -> str | None:
        """An HTTP header name (letters, digits and '-')."""
        if value and not all(c.isalnum() or c == "-" for c in value):
            raise ValueError("must be an HTTP header name such as X-Remote-User")
        return value or None

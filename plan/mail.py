"""Sending e-mail through the council's SMTP server (settings from Streamlit secrets [smtp])."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from plan.errors import InvalidInput


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    sender: str = ""
    username: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = 20.0

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None) -> SmtpSettings:
        values = dict(values or {})
        if not values.get("host") or not values.get("sender"):
            raise InvalidInput("E-mail is not set up: add [smtp] host and sender to .streamlit/secrets.toml.")
        return cls(host=str(values["host"]), port=int(values.get("port", 587)), sender=str(values["sender"]),
                   username=str(values.get("username", "")), password=str(values.get("password", "")),
                   starttls=bool(values.get("starttls", True)))


def send(settings: SmtpSettings, messages: list[tuple[str, str, str]]) -> tuple[list[str], list[str]]:
    """Send (to, subject, body) messages over one connection. Returns (sent to, failed with reason)."""
    sent: list[str] = []
    failed: list[str] = []
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
            for to, subject, body in messages:
                message = EmailMessage()
                message["From"], message["To"], message["Subject"] = settings.sender, to, subject
                message.set_content(body)
                try:
                    smtp.send_message(message)
                    sent.append(to)
                except smtplib.SMTPException as err:
                    failed.append(f"{to}: {err}")
    except (OSError, smtplib.SMTPException) as err:
        failed.extend(f"{to}: could not reach the mail server ({err})" for to, _, _ in messages if to not in sent)
    return sent, failed

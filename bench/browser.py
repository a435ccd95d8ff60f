"""Payload and server memory per session, in a real browser (stub: filled in next)."""

from __future__ import annotations

from typing import Any


def measure(facts: dict[str, Any], url: str, sessions: int) -> dict[str, Any]:
    return {"note": "not measured (browser stage not written yet)"}

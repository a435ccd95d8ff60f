"""First start: migrate the schema and load the seed plan into an empty database."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlmodel import select

from models import Person, Plan
from plan import migrate
from plan.db import ROOT, database_url, hold_setup_lock, session_scope
from plan.errors import SeedError
from plan.identity import Actor
from plan.seed import load_seed, read_seed

SEED_FILE = ROOT / "seed_actions.yaml"
_READY: set[str] = set()
_LOCK = threading.Lock()


def init(seed_file: Path = SEED_FILE, plan_slug: str | None = None) -> tuple[str, bool]:
    """Migrate, then load the seed plan if no plan exists. Idempotent: a second run changes
    nothing. Returns (plan slug, whether it was loaded now).

    With `plan_slug`, load the file as that plan even when other plans exist (another plan, or
    next year's); a slug already in use is refused (InvalidInput), never loaded twice."""
    migrate.upgrade()
    with session_scope() as session:
        hold_setup_lock(session.connection())  # only one process loads the seed
        if plan_slug is not None:
            from plan.maintenance.plans import load_plan_file

            try:
                text = Path(seed_file).read_text(encoding="utf-8")
            except OSError as err:
                raise SeedError(f"Cannot read the plan file {seed_file}: {err.strerror}.") from err
            except UnicodeDecodeError as err:
                raise SeedError(f"{Path(seed_file).name} is not UTF-8 text; save it as UTF-8.") from err
            summary = load_plan_file(session, user=Actor.system("command line"), text=text,
                                     source=Path(seed_file).name, slug=plan_slug)
            return summary.slug, True
        existing = session.exec(select(Plan).order_by(Plan.id)).first()
        if existing is not None:
            return existing.slug, False
        seed = read_seed(seed_file, known_emails=session.exec(select(Person.email)).all())
        plan, created = load_seed(session, user=Actor.system("first start"), seed=seed)
        return plan.slug, created


def ensure_ready() -> None:
    """Run `init` once per database per process (the app calls this on every rerun)."""
    url = database_url()
    if url in _READY:
        return
    with _LOCK:
        if url not in _READY:
            init()
            _READY.add(url)


def forget_ready() -> None:
    """For tests that point the process at a fresh database."""
    _READY.clear()

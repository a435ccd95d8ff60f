"""After a change is saved: e-mail the people it concerns (plan.notify), when the deployment has
e-mail set up ([smtp] in secrets). Returns words to add to the page's confirmation."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from plan import notify
from plan.db import session_scope
from plan.errors import PlanError
from plan.identity import Actor
from plan.mail import SmtpSettings
from plan.text import plural
from ui.session import secret_section


def email_about(user: Actor, plan_id: int, make: Callable[[Session], list[notify.Notice]]) -> str:
    """Send what `make` finds; "" when e-mail is not set up or there is no one to tell. A mail
    server that fails is said, never raised: the change itself is saved."""
    try:
        settings = SmtpSettings.from_mapping(secret_section("smtp"))
    except PlanError:
        return ""
    try:
        with session_scope() as session:
            done = notify.deliver(session, user=user, plan_id=plan_id, settings=settings, notices=make(session))
    except PlanError as err:
        return f" No e-mail was sent: {err}"
    words = f" E-mailed {', '.join(done['sent'])}." if done["sent"] else ""
    if done["failed"]:
        words += f" {plural(len(done['failed']), 'e-mail')} could not be sent: {'; '.join(done['failed'])}."
    return words

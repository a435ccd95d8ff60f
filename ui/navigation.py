"""The app's pages, who may open each, and their URLs: one list, read by the router (app.py)
and by every page's own gate (ui/frame.py), so the two can never disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PageSpec:
    file: str  # relative to the repository root
    title: str
    url_path: str
    operation: str | None  # the permission it needs (plan/permissions.py); None: anyone signed in


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", "home", None),
    PageSpec("pages/dashboard.py", "Dashboard", "dashboard", "meeting.view"),
    PageSpec("pages/meetings.py", "Meetings", "meetings", "meeting.view"),
    PageSpec("pages/my_actions.py", "My actions", "my_actions", "action.update_own"),
    PageSpec("pages/actions.py", "Actions", "actions", None),
    PageSpec("pages/action_detail.py", "Action detail", "action_detail", None),
    PageSpec("pages/data_returns.py", "Data returns", "data_returns", "measure.track"),
    PageSpec("pages/measures.py", "Measures", "measures", "measure.track"),
    PageSpec("pages/update_round.py", "Update round", "update_round", "round.view"),
    PageSpec("pages/due_dates.py", "Due dates", "due_dates", "due_date.decide"),
    PageSpec("pages/board_paper.py", "Board paper", "board_paper", "board_paper.export"),
    PageSpec("pages/coverage.py", "Coverage (Serious Violence Duty)", "coverage", "strategy.view"),
    PageSpec("pages/audit_trail.py", "Audit trail", "audit_trail", "audit.view"),
    PageSpec("pages/users.py", "Users", "users", "user.manage"),
    PageSpec("pages/plan_settings.py", "Plan settings", "plan_settings", "plan.settings"),
    PageSpec("pages/plans.py", "Plans", "plans", "plan.manage"),
    PageSpec("pages/import_plan.py", "Import a plan", "import_plan", "plan.import"),
    PageSpec("pages/offline_returns.py", "Offline returns", "offline_returns", "returns.manage"),
    PageSpec("pages/edit_plan.py", "Edit the plan", "edit_plan", "plan.edit"),
    PageSpec("pages/owners.py", "Owners and agencies", "owners", "owners.view"),
)
# The menu's sections, in order; a page not named here goes under the first.
SECTIONS: dict[str, tuple[str, ...]] = {
    "The plan": ("home", "my_actions", "actions", "action_detail", "owners"),
    "Support and challenge": ("dashboard", "meetings", "board_paper", "coverage", "update_round", "due_dates"),
    "Measures": ("data_returns", "measures"),
    "Secretariat": ("users", "edit_plan", "plan_settings", "plans", "import_plan", "offline_returns", "audit_trail"),
}
SIGN_IN = "pages/sign_in.py"  # shown in place of every page until someone signs in


def spec_for(path: str) -> PageSpec | None:
    """The page whose file this is (a path from __file__ or a stack frame)."""
    name = Path(path).name
    return next((spec for spec in PAGES if Path(spec.file).name == name), None)


def section_of(spec: PageSpec) -> str:
    return next((name for name, paths in SECTIONS.items() if spec.url_path in paths), next(iter(SECTIONS)))


# Every page's place in the menu, worked out once (the router asks on every run).
_MENU_ORDER: tuple[PageSpec, ...] = tuple(sorted(PAGES, key=lambda spec: list(SECTIONS).index(section_of(spec))))


def menu_for(allowed: Callable[[str], bool]) -> list[PageSpec]:
    """The pages a user may open (`allowed(operation)`), in the sections' order."""
    return [spec for spec in _MENU_ORDER if spec.operation is None or allowed(spec.operation)]

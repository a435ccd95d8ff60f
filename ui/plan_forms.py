"""The secretariat's forms for editing the plan (pages/edit_plan.py, pages/owners.py): an action's
fields, each problem shown beside its field, all at once, before anything is written. Each form's
state (its token, the problems a refusal left) is kept by ui/form_state.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from plan.errors import InvalidFields, PlanError
from plan.text import plural
from ui import form_state
from ui.form_state import reset, token
from ui.text import md

__all__ = ["ACTION_FIELDS", "action_fields", "errors", "field_error", "problems_banner", "reset", "save", "token"]

errors = form_state.problems
field_error = form_state.show


def save(name: str, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run the service call; on InvalidFields keep every problem by field and redraw the form; on
    any other refusal show it. Returns (saved, result)."""
    try:
        result = action()
    except InvalidFields as err:
        form_state.keep(name, err.problems)
        st.rerun()
    except PlanError as err:
        form_state.forget_problems(name)
        st.error(md(err))
        return False, None
    return True, result


def problems_banner(name: str, fields: tuple[str, ...] | None = None) -> None:
    """How many problems there are, and in full those that have no field on this form (`fields`:
    the fields the form shows problems beside; default an action's)."""
    found = errors(name)
    if found:
        st.error(f"Nothing was saved: {plural(len(found), 'thing')} to fix, shown below.")
        for field in [f for f in found if f not in (fields or ACTION_FIELDS)]:
            st.error(md(found[field]))


ACTION_FIELDS = ("ref", "title", "theme", "objective", "description", "source_text", "lead_owner", "lead_agency",
                 "partners", "boards", "start_date", "baseline_due_date", "current_due_date", "restricted")


def action_fields(name: str, choices: dict[str, Any], values: dict[str, Any], *, with_ref: bool) -> dict[str, Any]:
    """The action's fields as widgets (inside an st.form), pre-filled with `values`; returns what
    the user has now. `with_ref`: the ref can be typed (a new action); else it is shown only."""
    key = f"{name}_{token(name)}"
    out: dict[str, Any] = {}
    if with_ref:
        out["ref"] = st.text_input("Ref", value=values.get("ref", ""), key=f"{key}_ref", max_chars=30,
                                   help="Mid-year actions keep the numbering: 2.4a follows 2.4.")
        field_error(name, "ref")
    out["title"] = st.text_input("Title", value=values.get("title", ""), key=f"{key}_title", max_chars=300)
    field_error(name, "title")
    themes = choices["themes"]
    theme = values.get("theme") or None
    out["theme"] = st.selectbox("Theme", themes, index=themes.index(theme) if theme in themes else None,
                                placeholder="Choose a theme", key=f"{key}_theme") or ""
    field_error(name, "theme")
    objectives = [""] + [o["ref"] for o in choices["objectives"]]
    words = {o["ref"]: f"{o['ref']} – {o['title']} ({o['theme']})" for o in choices["objectives"]}
    objective = values.get("objective") or ""
    out["objective"] = st.selectbox("Objective (under the theme chosen above)", objectives,
                                    index=objectives.index(objective) if objective in objectives else 0,
                                    format_func=lambda r: words.get(r, "None"), key=f"{key}_objective")
    field_error(name, "objective")
    out["description"] = st.text_area("Description", value=values.get("description", ""), key=f"{key}_description",
                                      max_chars=5000)
    field_error(name, "description")
    out["personal_data_confirmed"] = st.checkbox(
        "No personal data", key=f"{key}_personal_data",
        help="Tick after a personal-data warning, once you have checked the title and description name no "
             "person: plans hold what partners do, not details of people.")
    out["source_text"] = st.text_area("Source text (the words of the plan it comes from)",
                                      value=values.get("source_text", ""), key=f"{key}_source", max_chars=5000)
    field_error(name, "source_text")
    left, right = st.columns(2)
    with left:
        out["lead_owner"] = st.text_input("Lead (a role or group, until a person is assigned)",
                                          value=values.get("lead_owner", ""), key=f"{key}_lead", max_chars=200)
        field_error(name, "lead_owner")
        agencies = [""] + choices["agencies"]
        agency = values.get("lead_agency") or ""
        out["lead_agency"] = st.selectbox("Lead agency", agencies,
                                          index=agencies.index(agency) if agency in agencies else 0,
                                          format_func=lambda a: a or "None", key=f"{key}_agency")
        field_error(name, "lead_agency")
        out["partners"] = st.multiselect("Partner agencies", choices["agencies"],
                                         default=[p for p in values.get("partners", []) if p in choices["agencies"]],
                                         key=f"{key}_partners")
        field_error(name, "partners")
        out["boards"] = st.multiselect("Boards it reports to", choices["boards"],
                                       default=[b for b in values.get("boards", []) if b in choices["boards"]],
                                       key=f"{key}_boards")
        field_error(name, "boards")
    with right:
        for field, label in (("start_date", "Start date"), ("baseline_due_date", "Baseline due date"),
                             ("current_due_date", "Current due date")):
            out[field] = st.date_input(label, value=values.get(field), format="DD/MM/YYYY", key=f"{key}_{field}",
                                       min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
            field_error(name, field)
        out["restricted"] = st.checkbox("Restricted (police-sensitive: detail only for cleared users)",
                                        value=bool(values.get("restricted")), key=f"{key}_restricted")
        field_error(name, "restricted")
    return out

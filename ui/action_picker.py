"""Choosing one action from a plan that may hold 10,000: a find box searched on the server and a
pick list of the ~20 that match, never the whole plan (as options, the whole plan was 668 KB
a view at 10,000 actions and 3.4 MB at 50,000). The list keeps the action already chosen (from
the URL or an earlier pick) among its options, so choosing never loses it."""

from __future__ import annotations

import streamlit as st

from plan.actions import MAX_SEARCH, PICK_LIMIT, find_for_pick, pick_title
from plan.db import read_scope
from plan.errors import InvalidInput
from plan.identity import Actor


def known_title(plan_id: int, user: Actor, ref: str, *, include_retired: bool = True) -> str | None:
    """The title the picker shows for `ref`, or None if the plan has no such action."""
    if not ref:
        return None
    with read_scope() as session:
        return pick_title(session, user=user, plan_id=plan_id, ref=ref, include_retired=include_retired)


def pick_action(plan_id: int, user: Actor, *, key: str, label: str = "Action", include_retired: bool = True,
                placeholder: str = "Choose an action") -> str | None:
    """A find box (key `{key}_find`) and a select box (key `key`) of the actions that match, the
    one already chosen first if the search left it out. Returns the chosen ref or None."""
    found = st.text_input("Find an action", key=f"{key}_find", max_chars=MAX_SEARCH,
                          placeholder="Type a ref or words from the title, then press Enter")
    chosen = st.session_state.get(key)
    try:
        with read_scope() as session:
            rows = find_for_pick(session, user=user, plan_id=plan_id, text=found,
                                 include_retired=include_retired, limit=PICK_LIMIT + 1)
    except InvalidInput as err:
        st.error(str(err))
        rows = []
    more = len(rows) > PICK_LIMIT
    titles = dict(rows[:PICK_LIMIT])
    if chosen and chosen not in titles:
        title = known_title(plan_id, user, chosen, include_retired=include_retired)
        if title is None:
            st.session_state[key] = None
        else:
            titles = {chosen: title, **titles}
    if found.strip() and not rows:
        st.caption(f"No action's ref or title holds every word of '{found.strip()}'. Try fewer words or the ref.")
    elif more:
        st.caption(f"Showing the first {PICK_LIMIT} that match: type more of the ref or title to narrow the list.")
    return st.selectbox(label, list(titles), key=key, index=None, placeholder=placeholder,
                        format_func=lambda r: f"{r} – {titles[r]}")

"""One clearance rule (plan.permissions) for every read and write of restricted detail: the
audit trail (page rows and Excel), measures (define, rename, link, figures), due dates, sending
an update back, and meetings. Each case here was a leak found by the second attack (issue 20)."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from plan import audit, due_dates, rounds
from plan.db import session_scope
from plan.errors import NotAllowed
from plan.identity import Actor
from plan.measures.definitions import create_measure, get_measure, link_actions, update_measure
from plan.meetings import meetings
from plan.permissions import cleared_for, require_cleared
from plan.updates import record_update
from plan.users import actor_for_email, add_user, assign_owner

TODAY = date(2026, 11, 28)
REF = "4.6"  # restricted in the seed plan
RHEA = "rhea@essex.police.uk"  # a cleared owner of 4.6
UNA = "una@southend.gov.uk"  # an uncleared admin
SECRET_NAME = "Nightjar warrants executed across the border"
SECRET_DEFINITION = "Warrants executed under Operation Nightjar with Thurrock"
MEASURE = {"ref": "M4.6", "name": SECRET_NAME, "definition": SECRET_DEFINITION, "unit": "count", "kind": "count",
           "direction": "higher", "frequency": "quarterly", "actions": [REF]}


def _fresh(email: str) -> Actor:
    with session_scope() as session:
        actor = actor_for_email(session, email)
    assert actor is not None
    return actor


@pytest.fixture
def cast(seeded, people) -> dict[str, Actor]:  # noqa: ANN001
    with session_scope() as session:
        add_user(session, user=people["admin"], email=RHEA, name="Rhea Ridley", role="owner",
                 agency="Essex Police", cleared_for_restricted=True)
        add_user(session, user=people["admin"], email=UNA, name="Una Uncleared", role="admin")
    with session_scope() as session:
        assign_owner(session, user=people["admin"], plan_id=seeded.id, ref=REF, email=RHEA)
        create_measure(session, user=people["admin"], plan_id=seeded.id, fields=MEASURE)
    return {"admin": people["admin"], "chair": people["chair"], "rhea": _fresh(RHEA), "una": _fresh(UNA)}


@pytest.mark.parametrize(("thing", "expected"), [
    (False, True), (True, False), (None, True), (0, True), (1, False),
    ({"restricted": True}, False), ({"ref": "1.1"}, True),
])
def test_the_rule_reads_flags_rows_and_objects_alike(thing, expected) -> None:  # noqa: ANN001
    uncleared = Actor(7, "Una", UNA, Actor.system().role, cleared_for_restricted=False)
    assert cleared_for(uncleared, thing) is expected
    assert cleared_for(Actor.system(), thing) is True
    if not expected:
        with pytest.raises(NotAllowed, match="Action 4.6 is restricted"):
            require_cleared(uncleared, thing, what="Action 4.6")


def test_the_audit_trail_hides_a_restricted_measures_name_and_definition(seeded, cast) -> None:  # noqa: ANN001
    with session_scope() as session:
        seen_by_chair, _ = audit.list_events(session, user=cast["chair"],
                                             filters=audit.AuditFilter(entity_key="M4.6"))
        seen_by_admin, _ = audit.list_events(session, user=cast["admin"],
                                             filters=audit.AuditFilter(entity_key="M4.6"))
        workbook = audit.export_events(session, user=cast["chair"], marking="OFFICIAL-SENSITIVE",
                                       filters=audit.AuditFilter(entity_key="M4.6"))
    assert [e["event"] for e in seen_by_chair] == ["measure.define"]  # the event is listed: counts stay whole
    assert SECRET_NAME in seen_by_admin[0]["after"]
    assert SECRET_NAME not in repr(seen_by_chair) and SECRET_DEFINITION not in repr(seen_by_chair)
    cells = " ".join(str(c.value) for ws in load_workbook(BytesIO(workbook)).worksheets
                     for row in ws.iter_rows() for c in row if c.value is not None)
    assert "M4.6" in cells and SECRET_NAME not in cells and SECRET_DEFINITION not in cells


def test_a_measure_linked_later_to_restricted_actions_hides_its_history(seeded, cast) -> None:  # noqa: ANN001
    with session_scope() as session:
        create_measure(session, user=cast["admin"], plan_id=seeded.id,
                       fields=dict(MEASURE, ref="M4.7", name="Later restricted", actions=[]))
        link_actions(session, user=cast["admin"], plan_id=seeded.id, ref="M4.7", action_refs=[REF])
    with session_scope() as session:
        events, _ = audit.list_events(session, user=cast["chair"], filters=audit.AuditFilter(entity_key="M4.7"))
    assert {e["event"] for e in events} == {"measure.define", "measure.change"}
    assert "Later restricted" not in repr(events)


def test_an_uncleared_admin_cannot_rename_relink_or_unrestrict_a_restricted_measure(seeded, cast) -> None:  # noqa: ANN001
    una, p = cast["una"], seeded.id
    with session_scope() as session, pytest.raises(NotAllowed, match="Measure M4.6 is restricted"):
        update_measure(session, user=una, plan_id=p, ref="M4.6", changes={"name": "Renamed by Una"})
    with session_scope() as session, pytest.raises(NotAllowed, match="Measure M4.6 is restricted"):
        # linking it to an open action too would unmask it, definition and all
        link_actions(session, user=una, plan_id=p, ref="M4.6", action_refs=[REF, "1.1"])
    with session_scope() as session, pytest.raises(NotAllowed, match="Action 4.6 is restricted"):
        link_actions(session, user=una, plan_id=p, ref="M3.5", action_refs=["3.5", REF])
    with session_scope() as session, pytest.raises(NotAllowed, match="Action 4.6 is restricted"):
        create_measure(session, user=una, plan_id=p, fields=dict(MEASURE, ref="M4.8"))
    with session_scope() as session:
        hidden = get_measure(session, user=una, plan_id=p, ref="M4.6")
        whole = get_measure(session, user=cast["admin"], plan_id=p, ref="M4.6")
    assert hidden["name"] != SECRET_NAME and hidden["definition"] == ""
    assert (whole["name"], whole["actions"]) == (SECRET_NAME, [REF])
    # Una may still change measures that are not restricted.
    with session_scope() as session:
        update_measure(session, user=una, plan_id=p, ref="M3.5", changes={"notes": "Checked by Una"})


def test_an_uncleared_user_cannot_submit_a_restricted_measures_figures(seeded, cast) -> None:  # noqa: ANN001
    from plan.measures.returns import submit_value

    with session_scope() as session, pytest.raises(NotAllowed, match="Measure M4.6 is restricted"):
        submit_value(session, user=cast["una"], plan_id=seeded.id, measure_ref="M4.6", period="2026-Q2",
                     value="3", today=TODAY)
    with session_scope() as session:
        submit_value(session, user=cast["admin"], plan_id=seeded.id, measure_ref="M4.6", period="2026-Q2",
                     value="3", today=TODAY)


def test_an_uncleared_chair_cannot_decide_a_restricted_due_date_move(seeded, cast) -> None:  # noqa: ANN001
    with session_scope() as session:
        asked = due_dates.request_revision(session, user=cast["rhea"], plan_id=seeded.id, ref=REF,
                                           new_date="30/06/2027", reason="Nightjar moved to the spring")
        asked_id = asked.id
    for uncleared in (cast["chair"], cast["una"]):
        with session_scope() as session, pytest.raises(NotAllowed, match="Action 4.6 is restricted"):
            due_dates.decide(session, user=uncleared, plan_id=seeded.id, request_id=asked_id, approve=True)
    with session_scope() as session:
        [pending] = due_dates.requests(session, user=cast["admin"], plan_id=seeded.id)
    assert pending["decision"] == "pending"
    with session_scope() as session:
        due_dates.decide(session, user=cast["admin"], plan_id=seeded.id, request_id=asked_id, approve=True)


def test_an_uncleared_admin_cannot_send_back_a_restricted_update(seeded, cast) -> None:  # noqa: ANN001
    with session_scope() as session:
        rounds.open_round(session, user=cast["admin"], plan_id=seeded.id, period="2026-Q4",
                          deadline=date(2026, 12, 12), today=TODAY)
    with session_scope() as session:
        record_update(session, user=cast["rhea"], plan_id=seeded.id, ref=REF, rag="amber",
                      delivery_status="in_progress", commentary="Nightjar briefing held")
    with session_scope() as session, pytest.raises(NotAllowed, match="Action 4.6 is restricted"):
        rounds.return_update(session, user=cast["una"], plan_id=seeded.id, ref=REF, note="Say more please")
    with session_scope() as session:
        rounds.return_update(session, user=cast["admin"], plan_id=seeded.id, ref=REF, note="Say more please")


def test_an_uncleared_admin_cannot_put_a_restricted_action_on_an_agenda_or_take_it_off(seeded, cast) -> None:  # noqa: ANN001
    with session_scope() as session:
        made = meetings.create_meeting(session, user=cast["admin"], plan_id=seeded.id, held_on=TODAY,
                                       draw_agenda=False)
    with session_scope() as session, pytest.raises(NotAllowed, match="Action 4.6 is restricted"):
        meetings.add_agenda_item(session, user=cast["una"], plan_id=seeded.id, meeting_id=made["id"], ref=REF,
                                 why="Nightjar debrief")
    with session_scope() as session:
        item = meetings.add_agenda_item(session, user=cast["admin"], plan_id=seeded.id, meeting_id=made["id"],
                                        ref=REF, why="Nightjar debrief")
    with session_scope() as session, pytest.raises(NotAllowed, match="Action 4.6 is restricted"):
        meetings.drop_agenda_item(session, user=cast["una"], plan_id=seeded.id, meeting_id=made["id"],
                                  item_id=item["id"], reason="Not this time")


def test_an_uncleared_admin_cannot_import_over_a_restricted_measure(seeded, cast, tmp_path) -> None:  # noqa: ANN001
    from openpyxl import Workbook

    from plan.measures import RowsRejected, import_measures

    book = Workbook()
    book.active.append(["Code", "Indicator", "Polarity", "Frequency", "Action", "Q1 24/25"])
    book.active.append(["M4.6", "Renamed by import", "Higher", "Quarterly", REF, 4])
    book.active.append(["M9.9", "A new one for 4.6", "Higher", "Quarterly", REF, 2])
    path = tmp_path / "measures.xlsx"
    book.save(path)
    for dry_run in (True, False):
        with session_scope() as session, pytest.raises(RowsRejected) as refused:
            import_measures(session, user=cast["una"], plan_id=seeded.id, content=path.read_bytes(),
                            filename=path.name, today=TODAY, dry_run=dry_run)
        assert "M4.6 is restricted" in str(refused.value) and "M9.9 is restricted" in str(refused.value)
    with session_scope() as session:
        assert get_measure(session, user=cast["admin"], plan_id=seeded.id, ref="M4.6")["name"] == SECRET_NAME
        import_measures(session, user=cast["admin"], plan_id=seeded.id, content=path.read_bytes(),
                        filename=path.name, today=TODAY)

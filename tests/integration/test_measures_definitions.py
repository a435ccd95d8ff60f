"""Measure definitions on both databases: the secretariat defines and changes them (audited,
before and after; stale forms refused), a measure serves several actions, actions whose owner's
RAG is better than their measures' evidence are flagged, and existing data migrates."""

import json
from datetime import date

import pytest
from sqlalchemy import select, text

import models
from plan.db import session_scope
from plan.errors import InvalidFields, NotAllowed, StaleVersion
from plan.measures import (
    actions_with_weaker_evidence,
    create_measure,
    evidence_by_action,
    get_measure,
    link_actions,
    measures_for_action,
    submit_value,
    update_measure,
)
from plan.updates import record_update

TODAY = date(2026, 11, 28)
KNIFE = {"ref": "M5.1", "name": "Knife-enabled crime (police recorded)", "definition": "Offences in the quarter.",
         "unit": "count", "kind": "count", "baseline": 188, "baseline_period": "2023/24",
         "target_text": "10% reduction on baseline", "direction": "lower", "tolerance": 5, "frequency": "quarterly",
         "source_agency": "Essex Police", "lag_days": 42, "actions": ["4.1", "4.4"]}


def test_the_secretariat_defines_a_measure_serving_two_actions(seeded, people) -> None:
    with session_scope() as session:
        made = create_measure(session, user=people["admin"], plan_id=seeded.id, fields=KNIFE)
    assert (made["target"], made["target_per"], made["target_type"], made["actions"]) == (
        pytest.approx(169.2), "year", "value", ["4.1", "4.4"])
    assert (made["baseline_period"], made["baseline_label"], made["source_agency"], made["version"]) == (
        "FY2023/24", "2023/24 (financial year)", "Essex Police", 1)
    with session_scope() as session:
        on_41 = [m["ref"] for m in measures_for_action(session, user=people["viewer"], plan_id=seeded.id,
                                                       action_ref="4.1")]
        on_44 = [m["ref"] for m in measures_for_action(session, user=people["viewer"], plan_id=seeded.id,
                                                       action_ref="4.4")]
        event = session.execute(select(models.AuditEvent).where(models.AuditEvent.event == "measure.define")
                                ).scalars().one()
        first = session.execute(select(models.Action.ref).join(models.Measure, models.Measure.action_id
                                                               == models.Action.id)
                                .where(models.Measure.ref == "M5.1")).scalar_one()
    assert (on_41, on_44) == (["M5.1"], ["M4.4", "M5.1"])
    assert first == "4.1"  # kept for older readers: the first action named
    assert event.actor.startswith("Sam Secretariat") and json.loads(event.after)["actions"] == ["4.1", "4.4"]


def test_every_problem_with_a_definition_is_named_by_field_at_once(seeded, people) -> None:
    wrong = dict(KNIFE, ref="M4.4", direction="sideways", kind="cumulative", unit="%", baseline=140,
                 target_text="80 by the spring", target_type="trajectory", source_agency="Kent Police",
                 tolerance=150, actions=["9.9"])
    with session_scope() as session, pytest.raises(InvalidFields) as refused:
        create_measure(session, user=people["admin"], plan_id=seeded.id, fields=wrong)
    problems = refused.value.problems
    assert problems["ref"] == "Ref: the plan already has a measure M4.4; choose another code."
    assert problems["direction"] == ("Direction: 'sideways' is not a direction of good; write higher, lower or "
                                     "contextual (monitored with no RAG).")
    assert problems["cumulative_since"] == "Counted since: a cumulative measure needs the date it counts from."
    assert problems["baseline"] == "Baseline: 140 is not a percentage between 0 and 100."
    assert problems["target_date"] == "Target date: a trajectory needs the date the target is due."
    assert problems["source_agency"].startswith("Source agency: 'Kent Police' is not an agency of the plan (")
    assert problems["tolerance"] == "Tolerance: 150 is not a percentage of the target between 0 and 100."
    assert problems["actions"] == "Actions: the plan has no action 9.9."
    with session_scope() as session:
        assert session.execute(select(models.Measure).where(models.Measure.ref == "M4.4")).scalar_one().kind == (
            "rolling_12")


def test_a_change_is_audited_before_and_after_and_a_stale_form_is_refused(seeded, people) -> None:
    with session_scope() as session:
        changed = update_measure(session, user=people["admin"], plan_id=seeded.id, ref="M3.5", expected_version=1,
                                 changes={"target_text": "No more than 150 a month", "tolerance": "10"})
    assert (changed["target"], changed["direction"], changed["tolerance"], changed["version"]) == (150.0, "lower",
                                                                                                  10.0, 2)
    with session_scope() as session:
        event = session.execute(select(models.AuditEvent).where(models.AuditEvent.event == "measure.change")
                                ).scalars().one()
    assert json.loads(event.before) == {"target": None, "target_text": "", "target_type": "none", "tolerance": None}
    assert json.loads(event.after) == {"target": 150.0, "target_text": "No more than 150 a month",
                                       "target_type": "value", "tolerance": 10.0}
    with session_scope() as session, pytest.raises(StaleVersion, match="changed by someone else"):
        update_measure(session, user=people["admin"], plan_id=seeded.id, ref="M3.5", expected_version=1,
                       changes={"tolerance": 20})
    with session_scope() as session, pytest.raises(NotAllowed, match="cannot define measures"):
        update_measure(session, user=people["chair"], plan_id=seeded.id, ref="M3.5", changes={"tolerance": 20})
    with session_scope() as session:  # nothing to change: no event, no new version
        same = update_measure(session, user=people["admin"], plan_id=seeded.id, ref="M3.5",
                              changes={"tolerance": 10})
    assert same["version"] == 2


def test_links_can_be_set_to_several_actions_or_none(seeded, people) -> None:
    with session_scope() as session:
        assert link_actions(session, user=people["admin"], plan_id=seeded.id, ref="M3.5",
                            action_refs=["3.6", "3.5"])["actions"] == ["3.5", "3.6"]
        assert link_actions(session, user=people["admin"], plan_id=seeded.id, ref="M3.5", action_refs=[])[
            "actions"] == []
        assert measures_for_action(session, user=people["admin"], plan_id=seeded.id, action_ref="3.5") == []


def test_an_owner_rag_better_than_the_evidence_is_flagged_with_the_reason(seeded, people) -> None:
    with session_scope() as session:
        update_measure(session, user=people["admin"], plan_id=seeded.id, ref="M3.5",
                       changes={"target_text": "No more than 150 a month", "tolerance": 10})
        # months after 3.5 started (1 Sep 2026): a figure for a month before it does not speak for it
        for month, figure in (("2026-08", "300"), ("2026-09", "171"), ("2026-10", "<5")):
            submit_value(session, user=people["admin"], plan_id=seeded.id, measure_ref="M3.5", period=month,
                         value=figure, today=TODAY)
        record_update(session, user=people["owner"], plan_id=seeded.id, ref="3.5", rag="green",
                      delivery_status="in_progress", commentary="All on track")
    with session_scope() as session:
        flagged = actions_with_weaker_evidence(session, user=people["chair"], plan_id=seeded.id)
    assert flagged == [{
        "ref": "3.5", "title": "Share A&E data on violence-related attendances to understand the impact on health "
                               "services",
        "owner_rag": "green", "evidence_rag": "red", "measure_ref": "M3.5", "period": "2026-09",
        "reason": "Owner says Green, but measure M3.5 (A&E attendances for assault-related injury) is Red: 171 in "
                  "Sep 2026 against a target of 150."}]
    with session_scope() as session:  # Red owner, Red evidence: not an exception
        record_update(session, user=people["owner"], plan_id=seeded.id, ref="3.5", rag="red",
                      delivery_status="in_progress", commentary="Attendances rising")
        assert actions_with_weaker_evidence(session, user=people["chair"], plan_id=seeded.id) == []
        # the evidence itself stays there for every action, whatever its owner says (for suggested RAGs)
        [evidence] = evidence_by_action(session, user=people["chair"], plan_id=seeded.id)
    assert (evidence["ref"], evidence["owner_rag"], evidence["evidence_rag"], evidence["reason"]) == (
        "3.5", "red", "red", "Measure M3.5 (A&E attendances for assault-related injury) is Red: 171 in Sep 2026 "
                             "against a target of 150.")


def test_restricted_measures_are_masked_for_users_not_cleared(seeded, people) -> None:
    with session_scope() as session:
        create_measure(session, user=people["admin"], plan_id=seeded.id,
                       fields=dict(KNIFE, ref="M4.6", name="Cross-border warrants executed", actions=["4.6"]))
        hidden = get_measure(session, user=people["chair"], plan_id=seeded.id, ref="M4.6")
        shown = get_measure(session, user=people["admin"], plan_id=seeded.id, ref="M4.6")
    assert (hidden["name"], hidden["values"], shown["name"]) == (
        "Restricted measure: shown only to cleared users", [], "Cross-border warrants executed")


def test_existing_measures_and_figures_migrate(database) -> None:
    """Rows made before 0006 (up/down/monitor, one action, a value for every figure) migrate."""
    from alembic import command
    from alembic.config import Config

    from plan import migrate
    from plan.db import ROOT, get_engine

    config = Config(str(ROOT / "alembic.ini"))
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(text(
            "INSERT INTO plan (id, slug, name, organisation, vision, protective_marking, reporting_cycle, "
            "personal_data_policy, created_at) VALUES (1, 'p', 'P', 'O', '', 'OFFICIAL', 'quarterly', 'warn', "
            "CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO theme (id, plan_id, name, description, position) "
                                "VALUES (1, 1, 'Prevent', '', 0)"))
        connection.execute(text(
            "INSERT INTO action (id, plan_id, ref, ref_sort, title, description, source_text, theme_id, lead_owner, "
            "delivery_status, rag, restricted, is_demo, created_at, updated_at, version) VALUES (1, 1, '2.1', '2.1', "
            "'T', '', '', 1, 'Owner', 'not_started', 'not_assessed', false, false, CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP, 1)"))
        for number, (direction, unit, target) in enumerate((("up", "%", 90.0), ("down", "offences", None),
                                                            ("monitor", "children", None)), start=1):
            connection.execute(text(
                "INSERT INTO measure (id, plan_id, action_id, ref, name, description, unit, baseline, "
                "baseline_period, target, direction, frequency, is_demo) VALUES (:id, 1, :action, :ref, 'M', '', "
                ":unit, NULL, '', :target, :direction, 'quarterly', false)"),
                {"id": number, "action": 1 if number < 3 else None, "ref": f"M{number}", "unit": unit,
                 "target": target, "direction": direction})
        connection.execute(text(
            "INSERT INTO measure_value (measure_id, period, value, note, submitted_by_name, created_at, is_demo) "
            "VALUES (1, '2026-Q3', 81.5, '', 'Dana', CURRENT_TIMESTAMP, false), "
            "(2, '2026-08', 12, '', 'Dana', CURRENT_TIMESTAMP, true)"))
    migrate.upgrade()
    with session_scope() as session:
        measures = session.execute(select(models.Measure.ref, models.Measure.direction, models.Measure.kind,
                                          models.Measure.target_type, models.Measure.target_text)
                                   .order_by(models.Measure.ref)).all()
        links = session.execute(select(models.MeasureAction.measure_id, models.MeasureAction.action_id)).all()
        figures = session.execute(select(models.MeasureValue.period, models.MeasureValue.period_start,
                                         models.MeasureValue.period_end, models.MeasureValue.state,
                                         models.MeasureValue.value, models.MeasureValue.raw,
                                         models.MeasureValue.source).order_by(models.MeasureValue.id)).all()
    assert [tuple(m) for m in measures] == [("M1", "higher", "snapshot", "value", "90%"),
                                            ("M2", "lower", "count", "none", ""),
                                            ("M3", "contextual", "count", "none", "")]
    assert sorted(tuple(link) for link in links) == [(1, 1), (2, 1)]
    assert [tuple(f) for f in figures] == [
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "value", 81.5, "81.5", "form"),
        ("2026-08", date(2026, 8, 1), date(2026, 8, 31), "value", 12.0, "12", "demo")]
    with get_engine().begin() as connection, pytest.raises(Exception, match="value_only_when_state_value"):
        connection.execute(text("INSERT INTO measure_value (measure_id, period, period_start, period_end, value, "
                                "state, raw, provisional, note, source, submitted_by_name, created_at, is_demo) "
                                "VALUES (1, '2026-Q4', '2026-10-01', '2026-12-31', 0, 'suppressed', '<5', false, '', "
                                "'form', 'x', CURRENT_TIMESTAMP, false)"))

"""Personal data in the words a plan stores (issue #20 item 9), on both databases: a plan file's
actions, measures and other free text are read when it loads, and a measure's name, definition,
target and notes when it is defined, changed or imported. Under the plan's "warn" policy a
finding is refused until the writer confirms it is not personal data; under "refuse" it always
is; nothing is half-written. The examples are the issue's."""

import re
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook
from sqlalchemy import func, select

import models
from plan.cli import main as cli
from plan.db import session_scope
from plan.errors import InvalidFields, SeedError
from plan.maintenance.plans import load_plan_file
from plan.maintenance.settings import update_settings
from plan.maintenance.yaml_export import _strings, export_yaml
from plan.measures import RowsRejected, create_measure, get_measure, import_measures, update_measure
from plan.personal_data import findings
from plan.seed import parse_seed
from plan.setup import SEED_FILE

DOB_AND_PHONE = "contact Jay Smith (DOB 03/04/2011) on 07700 900123"
NHS = "NHS number 9078-666-617"
NI = "ni: ab 12 34 56 c"
NAME_AND_AGE = "Tyler Brown, 15, missing from care"
SEED_TEXT = SEED_FILE.read_text(encoding="utf-8")
FIRST_TITLE = "    title: Run the Violence & Vulnerability Strategic Group's support-and-challenge function\n"


def _counts() -> dict[str, int]:
    with session_scope() as session:
        return {t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in models.metadata.sorted_tables}


def _with_title(title: str, *, confirmed: bool = False, policy: str | None = None) -> str:
    """The shipped plan file with action 1.1's title changed (and its confirmation, and the policy)."""
    assert SEED_TEXT.count(FIRST_TITLE) == 1
    text = SEED_TEXT.replace(FIRST_TITLE, f"    title: {title}\n"
                             + ("    personal_data_confirmed: true\n" if confirmed else ""))
    if policy:
        text = text.replace("\nplan:\n", f"\nplan:\n  personal_data_policy: {policy}\n", 1)
    return text


# ---------------------------------------------------------------- the plan file


def test_the_shipped_plan_file_holds_no_personal_data() -> None:
    flagged = [(text[:60], findings(text)) for text in _strings(yaml.safe_load(SEED_TEXT)) if findings(text)]
    assert flagged == []
    assert len(parse_seed(SEED_TEXT).actions) == 25  # and it loads (scripts/run.sh relies on it)


def test_a_plan_file_naming_a_child_is_refused_with_the_line_field_and_what_was_found() -> None:
    with pytest.raises(SeedError) as refused:
        parse_seed(_with_title(DOB_AND_PHONE), source="next.yaml")
    message = str(refused.value)
    line = SEED_TEXT[:SEED_TEXT.index(FIRST_TITLE)].count("\n") + 1
    assert message == (
        "The plan file has problems to fix:\n"
        f"next.yaml line {line}: action 1.1.title: It may hold personal data (a date of birth (DOB 03/04/2011); "
        "a phone number (07700 900123)): plans hold what partners do, not details of people. Remove it, or add "
        f"`personal_data_confirmed: true` to action 1.1 (line {line - 3}) to confirm it is not personal data.")


@pytest.mark.parametrize(("place", "words", "found"), [
    ("description", NHS, "an NHS number (9078-666-617)"),
    ("source_text", NI, "a National Insurance number (ab 12 34 56 c)"),
    ("owner", NAME_AND_AGE, "a person's age beside their name (Tyler Brown, 15)"),
])
def test_every_free_text_field_of_an_action_is_read(place: str, words: str, found: str) -> None:
    document = yaml.safe_load(SEED_TEXT)
    document["actions"][0][place] = words
    with pytest.raises(SeedError, match=rf"action 1\.1\.{place}: It may hold personal data \({re.escape(found)}\)"):
        parse_seed(yaml.safe_dump(document, sort_keys=False))


def test_a_measure_and_a_theme_in_a_plan_file_are_read_too() -> None:
    document = yaml.safe_load(SEED_TEXT)
    document["themes"][0]["description"] = NI
    measure = next(m for a in document["actions"] for m in a.get("measures") or [] if m["ref"] == "M1.4")
    measure["notes"] = NHS
    with pytest.raises(SeedError) as refused:
        parse_seed(yaml.safe_dump(document, sort_keys=False))
    assert "themes[1].description: It may hold personal data (a National Insurance number" in str(refused.value)
    assert "measure M1.4.notes: It may hold personal data (an NHS number (9078-666-617))" in str(refused.value)
    assert "`personal_data_confirmed: true` to measure M1.4" in str(refused.value)


def test_a_users_own_email_is_not_personal_data_in_a_plan_file() -> None:
    text = _with_title("Ask sam@southend.gov.uk for the terms of reference")
    with pytest.raises(SeedError, match="an email address of someone who is not a user"):
        parse_seed(text)
    assert parse_seed(text, known_emails=["sam@southend.gov.uk"]).actions[0].title.startswith("Ask sam@")


def test_loading_a_refused_plan_file_writes_nothing_then_the_confirmed_file_loads(seeded, admin) -> None:
    before = _counts()
    with session_scope() as session, pytest.raises(SeedError, match="personal_data_confirmed: true"):
        load_plan_file(session, user=admin, text=_with_title(NAME_AND_AGE), source="next.yaml", slug="next-vv")
    assert _counts() == before
    with session_scope() as session:
        load_plan_file(session, user=admin, text=_with_title(NAME_AND_AGE, confirmed=True), source="next.yaml",
                       slug="next-vv")
    with session_scope() as session:
        plan_id = session.execute(select(models.Plan.id).where(models.Plan.slug == "next-vv")).scalar_one()
        title = session.execute(select(models.Action.title).where(models.Action.plan_id == plan_id,
                                                                  models.Action.ref == "1.1")).scalar_one()
    assert title == NAME_AND_AGE


def test_under_the_refuse_policy_a_plan_file_is_refused_even_confirmed(seeded, admin) -> None:
    before = _counts()
    with session_scope() as session, pytest.raises(SeedError) as refused:
        load_plan_file(session, user=admin, text=_with_title(NHS, confirmed=True, policy="refuse"),
                       source="next.yaml", slug="next-vv")
    assert ("action 1.1.title: It looks like personal data (an NHS number (9078-666-617)), which this plan does "
            "not hold: describe the work instead.") in str(refused.value)
    assert _counts() == before


def test_init_from_the_command_line_refuses_the_file_and_says_how_to_confirm(database: str, tmp_path: Path,
                                                                            capsys) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(_with_title(DOB_AND_PHONE), encoding="utf-8")
    assert cli(["init", "--seed", str(path)]) == 1
    error = capsys.readouterr().err
    assert "action 1.1.title: It may hold personal data (a date of birth (DOB 03/04/2011)" in error
    assert "add `personal_data_confirmed: true` to action 1.1" in error
    with session_scope() as session:
        assert session.execute(select(func.count()).select_from(models.Plan)).scalar_one() == 0
    path.write_text(_with_title(DOB_AND_PHONE, confirmed=True), encoding="utf-8")
    assert cli(["init", "--seed", str(path)]) == 0


def test_an_exported_plan_with_confirmed_words_loads_again(seeded, admin, tmp_path: Path) -> None:
    from plan.maintenance.actions import edit_action

    with session_scope() as session:
        edit_action(session, user=admin, plan_id=seeded.id, ref="1.1",
                    changes={"title": DOB_AND_PHONE, "personal_data_confirmed": True})
    with session_scope() as session:
        exported = export_yaml(session, user=admin, plan_id=seeded.id)
    text = exported.content.decode("utf-8")
    actions = {a["ref"]: a for a in yaml.safe_load(text)["actions"]}
    assert actions["1.1"]["personal_data_confirmed"] is True
    assert [ref for ref, a in actions.items() if a.get("personal_data_confirmed")] == ["1.1"]
    with session_scope() as session:
        load_plan_file(session, user=admin, text=text, source="copy.yaml", slug="southend-vv-copy")


# ---------------------------------------------------------------- measure definitions


MEASURE = {"ref": "M9.1", "name": "Young people reached", "definition": "Sessions held in the quarter.",
           "unit": "count", "direction": "higher", "frequency": "quarterly"}


def _measure_count() -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(models.Measure)).scalar_one()


def test_a_measure_naming_a_child_is_refused_until_confirmed(seeded, people) -> None:
    count = _measure_count()
    with session_scope() as session, pytest.raises(InvalidFields) as refused:
        create_measure(session, user=people["admin"], plan_id=seeded.id,
                       fields=dict(MEASURE, name=DOB_AND_PHONE, notes=NAME_AND_AGE))
    assert set(refused.value.problems) == {"name", "notes"}
    assert refused.value.problems["name"] == (
        "Name may hold personal data (a date of birth (DOB 03/04/2011); a phone number (07700 900123)): plans "
        "hold what partners do, not details of people. Remove it, or tick \"No personal data\" (importing on the "
        "command line: --confirm-no-personal-data) and try again.")
    assert "a person's age beside their name (Tyler Brown, 15)" in refused.value.problems["notes"]
    assert _measure_count() == count
    with session_scope() as session:
        made = create_measure(session, user=people["admin"], plan_id=seeded.id,
                              fields=dict(MEASURE, name=DOB_AND_PHONE, notes=NAME_AND_AGE,
                                          personal_data_confirmed=True))
    assert (made["name"], made["notes"]) == (DOB_AND_PHONE, NAME_AND_AGE)


def test_a_changed_definition_is_read_and_unchanged_words_are_not_asked_again(seeded, people) -> None:
    with session_scope() as session:
        version = get_measure(session, user=people["admin"], plan_id=seeded.id, ref="M4.3")["version"]
    with session_scope() as session, pytest.raises(InvalidFields) as refused:
        update_measure(session, user=people["admin"], plan_id=seeded.id, ref="M4.3",
                       changes={"definition": NHS, "target_text": NI})
    assert "an NHS number (9078-666-617)" in refused.value.problems["definition"]
    assert "a National Insurance number (ab 12 34 56 c)" in refused.value.problems["target_text"]
    with session_scope() as session:
        assert get_measure(session, user=people["admin"], plan_id=seeded.id, ref="M4.3")["version"] == version
        update_measure(session, user=people["admin"], plan_id=seeded.id, ref="M4.3",
                       changes={"definition": NHS, "personal_data_confirmed": True})
    with session_scope() as session:  # the words it holds are not asked about again
        saved = update_measure(session, user=people["admin"], plan_id=seeded.id, ref="M4.3",
                               changes={"definition": NHS, "notes": "Counted by the partnership analyst."})
    assert (saved["definition"], saved["notes"]) == (NHS, "Counted by the partnership analyst.")


def test_under_the_refuse_policy_a_measure_is_refused_even_confirmed(seeded, people) -> None:
    with session_scope() as session:
        update_settings(session, user=people["admin"], plan_id=seeded.id, personal_data_policy="refuse")
    with session_scope() as session, pytest.raises(InvalidFields) as refused:
        update_measure(session, user=people["admin"], plan_id=seeded.id, ref="M4.3",
                       changes={"name": NAME_AND_AGE, "personal_data_confirmed": True})
    assert refused.value.problems == {"name": (
        "Name looks like personal data (a person's age beside their name (Tyler Brown, 15)), which this plan "
        "does not hold: describe the work instead.")}


def test_a_users_email_in_a_measure_is_not_personal_data(seeded, people) -> None:
    with session_scope() as session:
        made = create_measure(session, user=people["admin"], plan_id=seeded.id,
                              fields=dict(MEASURE, notes=f"Figures from {people['contributor'].email}"))
    assert made["notes"].startswith("Figures from")


def _workbook(tmp_path: Path, name: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Code", "Indicator", "Measure type", "Polarity", "Frequency", "Q1 24/25"])
    sheet.append(["W9", name, "Count in quarter", "Higher", "Quarterly", 4])
    path = tmp_path / "measures.xlsx"
    book.save(path)
    return path.read_bytes()


def test_the_measures_import_reads_the_words_and_takes_a_confirmation(seeded, admin, tmp_path: Path) -> None:
    content = _workbook(tmp_path, NHS)
    before = _counts()
    with session_scope() as session, pytest.raises(RowsRejected) as refused:
        import_measures(session, user=admin, plan_id=seeded.id, content=content, filename="measures.xlsx")
    assert [(row, reason[:59]) for row, reason in refused.value.problems] == [
        (2, "Name may hold personal data (an NHS number (9078-666-617)):")]
    assert _counts() == before
    with session_scope() as session:
        report = import_measures(session, user=admin, plan_id=seeded.id, content=content, filename="measures.xlsx",
                                 personal_data_confirmed=True)
    assert report["new"] == 1
    with session_scope() as session:
        assert get_measure(session, user=admin, plan_id=seeded.id, ref="W9")["name"] == NHS

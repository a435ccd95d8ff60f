"""The plan file: errors name the line and field; the seed holds every commitment of the source."""

import textwrap
from pathlib import Path

import pytest

from plan.errors import SeedError
from plan.seed import parse_seed, read_seed

ROOT = Path(__file__).resolve().parents[2]

GOOD = textwrap.dedent("""\
    plan:
      slug: test-plan
      name: Test plan
      organisation: Test council
    themes:
      - name: Prepare
      - name: Pursue
    boards:
      - {code: CSP, name: Community Safety Partnership}
    agencies:
      - {name: Test council, kind: council}
    actions:
      - ref: "1.1"
        theme: Prepare
        title: Brief partners
        owner: Coordinator
        lead_agency: Test council
        boards: [CSP]
        due_date: 2027-03-31
    """)


def _problem(text: str) -> str:
    with pytest.raises(SeedError) as err:
        parse_seed(text)
    return str(err.value)


def test_a_good_file_loads() -> None:
    seed = parse_seed(GOOD)
    assert [a.ref for a in seed.actions] == ["1.1"]
    assert seed.actions[0].due_date.isoformat() == "2027-03-31"
    assert seed.protective_marking == "OFFICIAL-SENSITIVE"


def test_invalid_yaml_names_the_line() -> None:
    message = _problem(GOOD.replace("title: Brief partners", "title: [Brief partners"))
    assert "seed_actions.yaml line" in message and "not valid YAML" in message


def test_an_impossible_date_names_line_and_field() -> None:
    message = _problem(GOOD.replace("due_date: 2027-03-31", "due_date: 31/02/2026"))
    assert "line 19: action 1.1.due_date: '31/02/2026' is not a real date" in message
    message = _problem(GOOD.replace("due_date: 2027-03-31", "due_date: 2026-02-31"))
    assert "line 19" in message and "2026-02-31" in message


def test_unknown_theme_lists_the_known_ones() -> None:
    message = _problem(GOOD.replace("theme: Prepare", "theme: Prevention"))
    assert "line 14: action 1.1.theme: 'Prevention' is not one of the plan's themes: Prepare, Pursue." in message


def test_missing_title_and_unknown_board_are_both_reported() -> None:
    message = _problem(GOOD.replace("    title: Brief partners\n", "").replace("[CSP]", "[CSP, LSCB]"))
    assert "action 1.1.title: is missing" in message
    assert "action 1.1.boards: 'LSCB' is not one of the plan's boards: CSP." in message


def test_duplicate_refs_are_refused() -> None:
    doubled = GOOD + GOOD[GOOD.index("  - ref:"):]
    assert "'1.1' is used twice (first at line 13)" in _problem(doubled)


def test_the_seed_file_is_valid() -> None:
    seed = read_seed(ROOT / "seed_actions.yaml")
    assert [name for name, _ in seed.themes] == ["Prepare", "Prevent", "Protect", "Pursue"]
    assert {code for code, _ in seed.boards} == {"LSCB", "SAB", "HWBB", "CSP", "VVSG"}
    assert seed.protective_marking == "OFFICIAL-SENSITIVE"
    assert len(seed.actions) >= 20


# Each commitment in the source document, a phrase to find it by, and the P it belongs under.
COMMITMENTS = [
    ("support and challenge", "Prepare"),
    ("fully briefed", "Prepare"),
    ("appropriately trained", "Prepare"),
    ("operational policies", "Prepare"),
    ("multi-agency data and local intelligence", "Prepare"),
    ("complex drugs market", "Prepare"),
    ("Awareness and competency training for al frontline staff", "Prepare"),
    ("Champions in all agencies", "Prepare"),
    ("see the signs", "Prevent"),
    ("education and public awareness", "Prevent"),
    ("clear message to all members of the community", "Prevent"),
    ("resilient community response", "Prevent"),
    ("Glasgow", "Prevent"),
    ("safeguarding vulnerable children and adults", "Protect"),
    ("school nurses", "Protect"),
    ("routine enquiry", "Protect"),
    ("A and E admissions", "Protect"),
    ("sexual assaults/ overdoses/mental health", "Protect"),
    ("disrupting and inhibiting the operations of the drug gangs", "Pursue"),
    ("civil and criminal justice", "Pursue"),
    ("limit the drug dealing activity that takes place in public spaces", "Pursue"),
    ("community safety", "Pursue"),
    ("Thurrock and wider Essex", "Pursue"),
]


@pytest.mark.parametrize(("phrase", "theme"), COMMITMENTS)
def test_every_commitment_of_the_source_is_an_action_under_its_p(phrase: str, theme: str) -> None:
    seed = read_seed(ROOT / "seed_actions.yaml")
    source = " ".join((ROOT.parent / "shared" / "seeds" / "000_e489fb4caec57c0f.txt").read_text().split()) \
        if (ROOT.parent / "shared" / "seeds").exists() else ""
    if source:
        assert phrase.lower() in source.lower(), f"the phrase '{phrase}' is not in the source document"
    homes = [a.theme for a in seed.actions if phrase.lower() in " ".join(a.source_text.split()).lower()]
    assert homes, f"no action quotes '{phrase}'"
    assert theme in homes


def test_a_fresh_plan_invents_no_status() -> None:
    seed = read_seed(ROOT / "seed_actions.yaml")
    assert all(a.owner for a in seed.actions), "every action needs an owner (a role until a person is named)"
    measures = [m for a in seed.actions for m in a.measures]
    assert len(measures) >= 8
    assert all(m.baseline is None for m in measures), "baselines come from the first data return"

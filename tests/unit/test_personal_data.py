"""Personal-data spotting, as a table: what is flagged and what ordinary plan text is not."""

import pytest

from plan.errors import InvalidInput
from plan.personal_data import PersonalDataWarning, check, findings


@pytest.mark.parametrize(("text", "expected"), [
    ("Young person NHS no 943 476 5919 referred", "an NHS number (943 476 5919)"),
    ("call her on 07700 900123 tomorrow", "a phone number (07700 900123)"),
    ("landline 01702 215000", "a phone number (01702 215000)"),
    ("+44 7700 900123", "a phone number (+44 7700 900123)"),
    ("DOB: 12/03/2009", "a date of birth (DOB: 12/03/2009)"),
    ("born on 4 May 2010", "a date of birth (born on 4 May 2010)"),
    ("contact j.bloggs@gmail.com", "an email address of someone who is not a user (j.bloggs@gmail.com)"),
    ("car seen AB12 CDE near the station", "a vehicle registration (AB12 CDE)"),
])
def test_personal_data_is_spotted(text: str, expected: str) -> None:
    assert expected in findings(text)


@pytest.mark.parametrize("text", [
    "Training delivered to 1234567890 staff",  # ten digits failing the NHS check digit
    "Meeting held on 12/03/2026 with all partners",  # a date, not a date of birth
    "Figures for 2026-Q3 submitted; 45% of staff trained",
    "Contact the V&V Coordinator via the secretariat",
    "Ask of the group: agree which board leads on this work.",
])
def test_ordinary_plan_text_is_not_flagged(text: str) -> None:
    assert findings(text) == []


def test_emails_of_users_are_fine() -> None:
    assert findings("sent to chair@southend.gov.uk", known_emails=["chair@southend.gov.uk"]) == []


def test_policy_warn_asks_to_confirm_and_refuse_refuses() -> None:
    fields = {"Commentary": "Call 07700 900123"}
    with pytest.raises(PersonalDataWarning, match="Commentary: a phone number"):
        check(fields, policy="warn", confirmed=False)
    check(fields, policy="warn", confirmed=True)  # the writer confirmed
    with pytest.raises(InvalidInput, match="does not hold"):
        check(fields, policy="refuse", confirmed=True)

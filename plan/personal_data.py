"""Spotting text that looks like personal data, which does not belong in a plan.

A plan records what partners do, not intelligence about named people. Free text, and an
evidence link, is checked for NHS numbers, National Insurance numbers, phone numbers, dates of
birth, a person's age beside their name, house addresses, crime and case references, email
addresses of people who are not users (however they are spelled out), and vehicle
registrations. The plan's policy decides: warn (the writer confirms) or refuse.

Text is read as `plan.text.normalised` gives it (NFKC, invisible and control characters gone),
with every script's digits as 0-9 and every dash as a hyphen. Numbers are matched across the
separators people put in them (dots, slashes, hyphens, runs of spaces), and ordinary dates are
set aside first so that they are never read as part of a phone or NHS number.

A web link is read where personal data hides in it: its query (`?email=...`), fragment and
user part, and `mailto:`/`tel:` links whole. Its path is read only for things that say what
they are (a date of birth, an email address, a National Insurance number, a labelled case
reference), because a bare long number in a path is a document id, not an NHS number.

The guard cannot know whose number it sees: an organisation's published switchboard looks
like anyone's landline, so every UK phone number is flagged. Under the warn policy the writer
confirms it; under refuse the plan has chosen to keep phone numbers out altogether.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from sqlmodel import Session, select

from models import Person, Plan
from plan.errors import InvalidInput, PlanError
from plan.text import normalised


class PersonalDataWarning(PlanError):
    """The text may hold personal data; the writer must confirm it does not."""


# Separators people write inside a number: dots, slashes, hyphens, spaces, up to three together.
_SEP = r"[ \t.\-/]{0,3}"
_PHONE_SEP = r"[ \t.\-/()]{0,3}"  # and brackets round the area code: (01702) 215000

_NHS = re.compile(rf"(?<!\d)(\d{{3}}){_SEP}(\d{{3}}){_SEP}(\d{{4}})(?!\d)"
                  rf"|(?<!\d)(\d{{4}}){_SEP}(\d{{3}}){_SEP}(\d{{3}})(?!\d)")  # 943 476 5919, or 9434-765-919
# A number that says it is an NHS number, however its ten digits are grouped: "NHS no. 90786 66617".
_LABELLED_NHS = re.compile(
    rf"\bNHS[ \t]*(?:no\b\.?|number|num\b\.?|#)?[ \t]*[:#=\-]?[ \t]*(?P<digits>\d(?:{_SEP}\d){{9}})(?!\d)",
    re.IGNORECASE)
_PHONE = re.compile(
    # +44 / 0044 (with an optional (0)), or a leading 0, possibly bracketed: (01702)
    r"(?<![\w+])(?:(?:\+|00)[ \t]?44[ \t]?(?:\(?0\)?[ \t]?)?|\(?0)"
    # ten more digits: landline (1, 2), non-geographic (3, 5, 8, 9), mobile (7)
    rf"[1235789](?:{_PHONE_SEP}\d){{9}}(?!\d)"
    # or another country's number: +33 1 23 45 67 89
    rf"|(?<![\w+])\+(?!44)[1-9]\d{{0,2}}(?:{_PHONE_SEP}\d){{7,12}}(?!\d)"
)
_NATIONAL_INSURANCE = re.compile(
    rf"\b[A-Z]{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}[A-D]\b|\b[a-z]{{2}}\d{{6}}[a-d]\b"
)
# In any case, its pairs spaced, when it says what it is: "ni: ab 12 34 56 c", "NINO ab123456c".
_LABELLED_NATIONAL_INSURANCE = re.compile(
    rf"\b(?:ni|nino|n\.i\.|national[ \t]+insurance)(?:[ \t]*(?:no\b\.?|number|num\b\.?))?[ \t]*[:#=\-]?[ \t]*"
    rf"(?P<number>[A-Z]{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}[A-D])\b",
    re.IGNORECASE,
)
_VEHICLE = re.compile(r"\b[A-Z]{2}\d{2}[ \-]?[A-Z]{3}\b")

# Police references: Essex-style crime numbers 42/12345/24, CRIS-style 5012345/24, PNC ids 24/123456A.
_CRIME_REFERENCE = re.compile(
    r"(?<![\w/])\d{2}[ \t]?/[ \t]?\d{4,7}[ \t]?/[ \t]?\d{2}(?![\w/])"
    r"|(?<![\w/.,])\d{5,8}/(?:1[5-9]|[23]\d)(?![\w/])"  # the year after the slash
    r"|(?<![\w/])\d{2}/\d{4,7}[A-Z](?![\w/])"
)
# A reference that says what it is: "crime ref 4212345", "Mosaic ID 123456", "CAD 1234".
_LABELLED_REFERENCE = re.compile(
    r"\b(?:crime\s*(?:ref(?:erence)?|no|number|report\s*(?:no|number))|CRN|CAD(?:\s*(?:no|number|ref))?"
    r"|(?:incident|occurrence|case)\s*(?:ref(?:erence)?|no|number|id|log)"
    r"|(?:mosaic|lcs|eclipse|liquidlogic|carefirst|niche|athena|pnc|cris|storm|client|pupil|patient|person"
    r"|child|hospital)\s*(?:id|ref(?:erence)?|no|number)|upn|uln)\b"
    r"\.?\s*(?:[:#=\-]\s*|is\s+)?(?P<ref>[A-Z0-9][A-Z0-9/\-]*)",
    re.IGNORECASE,
)

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_FULL_DATE = (
    r"(?:\d{1,2}[ ./\-]{1,2}\d{1,2}[ ./\-]{1,2}(?:\d{4}|\d{2})"  # 03/04/2011, 3.4.11
    r"|\d{4}[./\-]\d{1,2}[./\-]\d{1,2}"  # 2011-04-03
    rf"|{_DAY}(?:\s+of)?\s+{_MONTH},?\s+\d{{2,4}}"  # 3rd (of) April 2011
    rf"|{_MONTH}\s+{_DAY},?\s+\d{{4}})(?!\d)"  # April 3rd, 2011
)
_PART_DATE = rf"(?:{_MONTH},?\s+\d{{4}}|\d{{1,2}}[./\-]\d{{4}}|(?:19|20)\d{{2}})(?!\d)"  # April 2011, 04/2011, 2011
# "born" needs a full date ("children born in 2011" is a cohort); a DOB label takes a month or year too.
_DOB = re.compile(
    r"\b(?:(?P<label>d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?date)|born|(?-i:b\.))"
    r"(?:\s*(?:[:=\-]|\bis\b|\bwas\b|\bon\b|\bthe\b)\s*|\s+){0,3}"
    rf"(?:{_FULL_DATE}|(?(label){_PART_DATE}|(?!)))",
    re.IGNORECASE,
)
# Dates that are not dates of birth, set aside before numbers are read.
_DATE = re.compile(r"(?<![\d./\-])(?:\d{1,2}[./\-]\d{1,2}[./\-](?:\d{4}|\d{2})|\d{4}[./\-]\d{1,2}[./\-]\d{1,2})"
                   r"(?![\d]|[./\-]\d)")

# A first name ("Jay", "O'Neil") or initials ("J", "J.B.", "JB") beside an age: "Jay, aged 14",
# "J (age 14)", "Child A aged 14", "Kai, a 15-year-old". An age range ("aged 10-17", "aged 14 and
# over") describes a cohort, not a person.
_AGE_BESIDE_NAME = re.compile(
    r"(?P<name>\b(?:[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?|[A-Z](?:\.[ \t]?[A-Z])*\.?|[A-Z]{2,3}))"
    r"(?:[ \t]*[,(][ \t]*|[ \t]+-[ \t]+|[ \t]+)(?:(?:who|is|was|now|an?)[ \t]+){0,3}"
    r"(?:(?P<aged>(?i:aged?))[ \t]*\d{1,2}|\d{1,2}[ \t]*-?[ \t]*(?i:years?|yrs?)[ \t]*-?[ \t]*(?i:old)"
    r"|\d{1,2}[ \t]?(?i:y/?o))\b"
    r"(?![ \t]*(?:-|to|\+)[ \t]*\d|\+|[ \t]*(?:and|or)[ \t]+(?:over|under|above|below|older|younger|upwards|\d))"
)
# A full name with an age after a comma, as reports write it: "Tyler Brown, 15, missing from care",
# "Tyler Brown (15)", "Tyler Brown, 15 was". Both words capitalised, neither a word organisations
# or places use (_NOT_NAME_WORDS), and the age followed by a comma, a bracket or a word (not another
# number: "Southend, 15, 20 and 25" is a list).
_NAME_COMMA_AGE = re.compile(
    r"(?P<name>\b(?:[A-Z]['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:[ \t]+(?:[A-Z]['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,2})"
    r"(?:[ \t]*,[ \t]*(?P<age>\d{1,2})(?:[ \t]*,|[ \t]+(?=[a-z]))|[ \t]*\([ \t]*(?P<bracketed>\d{1,2})[ \t]*\))"
    r"(?![ \t]*(?:(?:and|or|to|-)[ \t]*)?\d)"
)
_NOT_NAME_WORDS = frozenset("""
    council borough city county police trust hospital hospitals school schools college academy university service
    services team unit centre center board group partnership partners authority agency department office
    foundation charity network road street avenue lane ward wards district area areas town village park house
    court prison station clinic practice surgery church community communities project programme plan strategy
    quarter year month week january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday objective action actions theme themes measure
    measures phase stage priority table annex appendix section page item figure total q1 q2 q3 q4 essex
    southend thurrock london england operation op initiative campaign scheme pilot event events session sessions
""".split())

_NOT_NAMES = frozenset("""
    an the all any and or but of for in on at to by from with as if so no not nor those these this that them
    they their both each every some most many few several other others such only just over under between about
    around nearly almost approximately approx aged age ages up within since after before during per when where
    while who whose which what how anyone everyone someone nobody child children young people person persons
    pupil pupils student students learner learners boy boys girl girls male males female females man men woman
    women adult adults youth youths teen teens teenager teenagers kid kids minor minors resident residents victim
    victims offender offenders perpetrator perpetrators suspect suspects individual individuals cohort cohorts
    group groups case cases referral referrals family families sibling siblings parent parents carer carers
    attendee attendees participant participants patient patients client clients member members year years ward
    wards school schools class team total number
""".split())
_ACRONYMS = frozenset("""
    YP CYP SEN CIN CP LAC CLA CIC YOS YJS YOT PRU NEET CSE CCE ASB ED AE GP PCC ICB VRU VVP CSP SVD KS NHS MASH
    EHC DSL DfE MP UK
""".split())

# A house number (or flat) with a street, or with a full postcode: "12 Acacia Avenue, SS1 2AB",
# "Flat 3, 12a Mill Road", "12, SS1 2AB". A postcode district ("SS1") or a postcode on its own
# (an office's address, a hotspot) is not a person's address.
_STREET = (r"(?:Road|Rd|Street|St|Avenue|Ave|Close|Lane|Ln|Drive|Crescent|Cres|Gardens|Gdns|Grove|Terrace|Mews"
           r"|Parade|Chase|Way|Place|Square|Hill|Vale|Boulevard|Esplanade|Approach)")
_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2}\b"
_NUMBER = r"\d{1,4}[A-Za-z]?,?[ \t]+"  # 12, 12a
_HOUSE = rf"(?<![\d,.£$/])(?:(?:Flat|Apartment|Apt)[ \t]*{_NUMBER}(?:{_NUMBER})?|{_NUMBER})"
_ADDRESS = re.compile(
    rf"{_HOUSE}(?:[A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]+)*[ \t]+){{1,3}}{_STREET}\b\.?"
    rf"(?:,?[ \t]+(?:[A-Z][\w'’\-]*(?:,?[ \t\-][\w'’\-]+){{0,3}},?[ \t]+)?{_POSTCODE})?"
    rf"|{_HOUSE}{_POSTCODE}"
)

# Email addresses, also as people spell them out to dodge filters: "jay.bloggs [at] gmail [dot] com",
# "jay dot bloggs at gmail dot com", "jay.bloggs @ gmail.com".
_AT = r"(?:[ \t]?@[ \t]?|[ \t]*[\[({<][ \t]*(?:at|@)[ \t]*[\])}>][ \t]*|[ \t]+at[ \t]+)"
_DOT = r"(?:\.|[ \t]*[\[({<][ \t]*(?:dot|\.)[ \t]*[\])}>][ \t]*|[ \t]+dot[ \t]+)"
_SPELT_DOT = re.compile(r"[\[({<][ \t]*(?:dot|\.)[ \t]*[\])}>]|[ \t]dot[ \t]", re.IGNORECASE)
_DOT_ANY = re.compile(_DOT, re.IGNORECASE)
_WORD = r"[a-z0-9_%+\-]+"
_EMAIL = re.compile(
    rf"(?<![\w.%+\-])(?P<local>{_WORD}(?:{_DOT}{_WORD}){{0,8}})(?P<at>{_AT})"
    rf"(?P<domain>{_WORD}(?:{_DOT}{_WORD}){{0,8}}{_DOT}[a-z]{{2,}})(?![\w\-])",
    re.IGNORECASE,
)

_LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`]+|\b(?:mailto|tel|sms|callto):[^\s<>\"'`]+", re.IGNORECASE)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-")
                        | dict.fromkeys("\u2044\u2215", "/"))

Found = Iterator[tuple[int, int, str | None]]  # start, end, what was found (None: set aside, not reported)


def _nhs_number_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check digit, so ordinary 10-digit figures are not flagged."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _prepared(text: str) -> str:
    """The text as the guard reads it: normalised, any script's digits as 0-9, dashes as hyphens."""
    text = normalised(text).translate(_DASHES)
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() and c.isdecimal() else c for c in text)


def _shown(text: str) -> str:
    return " ".join(text.split())


def _emails(text: str, known: set[str]) -> Found:
    for match in _EMAIL.finditer(text):
        if match.group("at").strip().lower() == "at" and not _SPELT_DOT.search(match.group("domain")):
            continue  # "us at www.southend.gov.uk" is prose, not a spelled-out address
        address = f"{_DOT_ANY.sub('.', match.group('local'))}@{_DOT_ANY.sub('.', match.group('domain'))}".lower()
        # a user's own address is set aside unreported, so its digits are not read as a phone number
        yield match.start(), match.end(), (None if address in known else
                                           f"an email address of someone who is not a user ({_shown(match[0])})")


def _dates_of_birth(text: str, known: set[str]) -> Found:
    for match in _DOB.finditer(text):
        yield match.start(), match.end(), f"a date of birth ({_shown(match[0])})"


def _ages_beside_names(text: str, known: set[str]) -> Found:
    for match in _AGE_BESIDE_NAME.finditer(text):
        name = match.group("name")
        if name.lower() in _NOT_NAMES or name in _ACRONYMS:
            continue
        if name in ("A", "I") and not match.group("aged"):
            continue  # "A 14-year-old was stabbed": an article, not Child A
        end = match.end()
        if "(" in match[0] and text[end:end + 1] == ")":
            end += 1
        yield match.start(), end, f"a person's age beside their name ({_shown(text[match.start():end])})"


def _names_with_ages(text: str, known: set[str]) -> Found:
    for match in _NAME_COMMA_AGE.finditer(text):
        words = match.group("name").lower().replace("’", "'").split()
        if any(w in _NOT_NAME_WORDS or w in _NOT_NAMES for w in words):
            continue
        yield match.start(), match.end(), f"a person's age beside their name ({_shown(match[0].rstrip(', '))})"


def _labelled_nhs_numbers(text: str, known: set[str]) -> Found:
    for match in _LABELLED_NHS.finditer(text):  # said to be one: flagged without its check digit
        yield match.start(), match.end(), f"an NHS number ({_shown(match.group('digits'))})"


def _labelled_national_insurance(text: str, known: set[str]) -> Found:
    for match in _LABELLED_NATIONAL_INSURANCE.finditer(text):
        yield match.start(), match.end(), f"a National Insurance number ({_shown(match.group('number'))})"


def _pattern(pattern: re.Pattern[str], words: str) -> Callable[[str, set[str]], Found]:
    def spot(text: str, known: set[str]) -> Found:
        for match in pattern.finditer(text):
            yield match.start(), match.end(), f"{words} ({_shown(match[0])})"
    return spot


def _labelled_references(text: str, known: set[str]) -> Found:
    for match in _LABELLED_REFERENCE.finditer(text):
        if sum(c.isdigit() for c in match.group("ref")) >= 4:
            yield match.start(), match.end(), f"a crime or case reference ({_shown(match[0])})"


def _ordinary_dates(text: str, known: set[str]) -> Found:
    for match in _DATE.finditer(text):
        yield match.start(), match.end(), None


def _nhs_numbers(text: str, known: set[str]) -> Found:
    for match in _NHS.finditer(text):
        if _nhs_number_valid("".join(g for g in match.groups() if g)):
            yield match.start(), match.end(), f"an NHS number ({_shown(match[0])})"


# In this order: each sets aside what it found, so a later one does not read it again.
_LABELLED = (_emails, _dates_of_birth, _labelled_nhs_numbers, _labelled_national_insurance, _ages_beside_names,
             _names_with_ages,
             _pattern(_NATIONAL_INSURANCE, "a National Insurance number"),
             _pattern(_ADDRESS, "an address"), _labelled_references)
_BARE = (_pattern(_CRIME_REFERENCE, "a crime or case reference"), _ordinary_dates, _nhs_numbers,
         _pattern(_PHONE, "a phone number"), _pattern(_VEHICLE, "a vehicle registration"))


def _spot(text: str, *, known: set[str], bare_numbers: bool) -> list[tuple[int, str]]:
    """(position, what) for each thing found; with `bare_numbers` False (a link's path), only
    things that say what they are."""
    found: list[tuple[int, str]] = []
    for detector in _LABELLED + (_BARE if bare_numbers else ()):
        for start, end, what in list(detector(text, known)):
            if what:
                found.append((start, what))
            text = text[:start] + " " * (end - start) + text[end:]
    return found


def _link_parts(link: str) -> list[tuple[str, bool]]:
    """The parts of a link where personal data can hide, each with whether bare numbers count."""
    scheme, _, rest = link.partition(":")
    if scheme.lower() in ("mailto", "tel", "sms", "callto"):
        return [(re.sub(r"[?&=]", " ", unquote(rest)), True)]
    try:
        parts = urlsplit(link if "://" in link else f"https://{link}")
    except ValueError:
        return [(unquote(link), True)]  # not a link after all: read it as text

    def decoded(value: str) -> str:
        return re.sub(r"\+(?!\d)", " ", unquote(value))  # + is a space in a query, but keep +44

    query = "\n".join(" ".join(decoded(side) for side in pair.partition("=")[::2])
                      for pair in re.split(r"[&;]", parts.query))
    return [(decoded(parts.netloc.rpartition("@")[0]), True), (query, True), (decoded(parts.fragment), True),
            (re.sub(r"[/_+]", " ", unquote(parts.path)), False)]


def findings(text: str, *, known_emails: Iterable[str] = ()) -> list[str]:
    """What in the text looks like personal data, in words for the writer, in the order it
    appears. Links in the text (or a field that is a link) are read as the module says."""
    known = {e.strip().lower() for e in known_emails if e}
    prose = _prepared(text)
    found: list[tuple[tuple[int, int, int], str]] = []  # (where in the text, part of a link, where in it), what
    for match in _LINK.finditer(prose):
        link = match[0].rstrip(".,;:!?)]}")
        start, end = match.start(), match.start() + len(link)
        prose = prose[:start] + " " * (end - start) + prose[end:]
        where = " in a web link" if link.lower().startswith(("http", "www")) else " in a link"
        for n, (part, bare_numbers) in enumerate(_link_parts(link)):
            found += [((start, n, at), f"{what}{where}")
                      for at, what in _spot(part, known=known, bare_numbers=bare_numbers)]
    found += [((at, 0, 0), what) for at, what in _spot(prose, known=known, bare_numbers=True)]
    return list(dict.fromkeys(what for _, what in sorted(found, key=lambda item: item[0])))


def check(fields: dict[str, str], *, policy: str, confirmed: bool, known_emails: Iterable[str] = ()) -> None:
    """Raise when the fields look like they hold personal data: InvalidInput under a refuse
    policy; PersonalDataWarning under warn, unless the writer has confirmed. A field may be a
    link (the evidence link): its query, not its document path, is read for numbers."""
    known = list(known_emails)
    problems = [f"{label}: {item}" for label, text in fields.items() if text
                for item in findings(text, known_emails=known)]
    if not problems:
        return
    listed = "; ".join(problems)
    if policy == "refuse":
        raise InvalidInput(f"This looks like personal data, which this plan does not hold: {listed}. "
                           "Remove it and describe the work instead.")
    if not confirmed:
        raise PersonalDataWarning(f"This may be personal data: {listed}. Plans hold what partners do, not "
                                  "details of people. Remove it, or confirm it is not personal data.")


def check_plan_text(session: Session, *, plan_id: int, fields: dict[str, str], confirmed: bool) -> None:
    """`check` under the plan's own policy, with the deployment's users' emails as known."""
    plan = session.get(Plan, plan_id)
    check(fields, policy=plan.personal_data_policy if plan else "warn", confirmed=confirmed,
          known_emails=session.exec(select(Person.email)).all())


def checked_text(session: Session, *, plan_id: int, label: str, text: str, limit: int = 2000,
                 missing: str = "", confirmed: bool = False) -> str:
    """A free-text field made ready to store: stripped, required when `missing` says why, within
    its length limit, and checked for personal data under the plan's policy."""
    text = text.strip()
    if not text and missing:
        raise InvalidInput(missing)
    if len(text) > limit:
        raise InvalidInput(f"{label} is {len(text):,} characters; the most allowed is {limit:,}. Shorten it.")
    check_plan_text(session, plan_id=plan_id, fields={label: text}, confirmed=confirmed)
    return text


def field_problems(fields: Mapping[str, tuple[str, str]], *, policy: str, confirmed: bool,
                   known_emails: Iterable[str] = (),
                   how_to_confirm: str = 'tick "No personal data" and save again') -> dict[str, str]:
    """Each field's personal-data problem, keyed as `fields` is ({key: (label, text)}), in the
    action editor's words: under the plan's "refuse" policy a finding is refused; under "warn"
    it stands until the writer confirms (`how_to_confirm` says how, where the text came from).
    Empty when nothing is flagged, or when it is confirmed under "warn"."""
    known = list(known_emails)
    problems: dict[str, str] = {}
    for key, (label, text) in fields.items():
        found = findings(text, known_emails=known) if text else []
        if not found:
            continue
        if policy == "refuse":
            problems[key] = (f"{label} looks like personal data ({'; '.join(found)}), which this plan does not "
                             "hold: describe the work instead.")
        elif not confirmed:
            problems[key] = (f"{label} {_ASKS} ({'; '.join(found)}): plans hold what partners do, "
                             f"not details of people. Remove it, or {how_to_confirm}.")
    return problems


_ASKS = "may hold personal data"


def asks_confirmation(problems: Mapping[str, str]) -> bool:
    """Whether any of `field_problems`' messages is a warning the writer may confirm (a form
    shows its "No personal data" box then)."""
    return any(_ASKS in message for message in problems.values())


def plan_field_problems(session: Session, *, plan_id: int, fields: Mapping[str, tuple[str, str]],
                        confirmed: bool, how_to_confirm: str = 'tick "No personal data" and save again'
                        ) -> dict[str, str]:
    """`field_problems` under the plan's own policy, with the deployment's users' emails as known."""
    plan = session.get(Plan, plan_id)
    return field_problems(fields, policy=plan.personal_data_policy if plan else "warn", confirmed=confirmed,
                          known_emails=session.exec(select(Person.email)).all(), how_to_confirm=how_to_confirm)

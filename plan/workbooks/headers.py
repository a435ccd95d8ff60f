"""Find the table in a council's sheet, then say which field each column is.

Why scoring, not "the first row that names two fields": published plans put a protective
marking, a title, a version line, a key and blank rows above the table, banners between its
parts, and often repeat the header under each priority banner. Every row of the first 40 is
scored on how many different fields its cells name (and whether one names the action or its
ref, and whether rows of data follow), and the best wins. The user's own corrections (heading =
field) are applied while scoring, so a heading the app does not know ("Aims") can still make its
row the header once the user has said what it means.

Headings are compared by meaning: case, punctuation and "(s)" dropped, the words councils use
for each field (a vocabulary per kind of sheet), then the words contained in a longer heading,
then a close spelling (rapidfuzz). Each column says how it was matched, for the page and the
dry run. Plans, measures and returns each pass their own vocabulary."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

SEARCHED = 40  # rows searched for the header
FUZZY_CUTOFF = 86  # a heading this close (0-100) to a known one is taken as it


def normalise(text: object) -> str:
    """'LEAD OFFICER(S)' -> 'lead officer'; 'By when?' -> 'by when'; '#' -> 'no'."""
    raw = str(text if text is not None else "").lower().replace("(s)", "").replace("#", " no ")
    raw = raw.replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", raw).split())


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class ColumnMatch:
    """What a column of the sheet was taken as; the user may correct `field`."""

    index: int
    heading: str
    field: str | None  # None: no field (kept with each row)
    period: str = ""  # the period label, for a column given once per period ("Q1 RAG")
    how: str = ""  # how it was matched, in words
    label: str = ""  # the field's name as users know it

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def described(self) -> str:
        if self.field is None:
            return "kept with the action"
        label = self.label or self.field
        return f"{label} ({self.period})" if self.period else label


@dataclass(frozen=True)
class Vocabulary:
    """The fields of one kind of sheet and the words councils head their columns with."""

    headings: Mapping[str, tuple[str, ...]]  # field -> headings, normalised
    labels: Mapping[str, str]  # field -> its name for users
    key_fields: tuple[str, ...]  # a header names at least one of these
    contains: tuple[str, ...] = ()  # fields a longer heading may name by holding their words, in order
    _flat: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for key, words in self.headings.items():
            for word in words:
                self._flat.setdefault(normalise(word), key)

    def field_for(self, words: str) -> tuple[str | None, str]:
        """(field, how) for normalised heading words; (None, '') when none fits."""
        if not words:
            return None, ""
        if words in self._flat:
            return self._flat[words], "its heading"
        for key in self.contains:
            for heading in sorted(self.headings[key], key=len, reverse=True):
                heading = normalise(heading)
                if len(heading) > 3 and re.search(rf"\b{re.escape(heading)}\b", words):
                    return key, f"its heading holds '{heading}'"
        found = process.extractOne(words, list(self._flat), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if found is not None:
            heading, score, _ = found
            return self._flat[heading], f"close to '{heading}' ({score:.0f}%)"
        return None, ""


Classify = Callable[[object], tuple[str | None, str, str]]  # heading -> (field, period, how)


@dataclass
class Header:
    """The table found: its header row and what each column is."""

    position: int  # index into the rows given
    row: int  # the sheet's row number
    columns: list[ColumnMatch]
    repeats: set[int] = field(default_factory=set)  # sheet rows repeating the header (skipped)
    chosen_by_user: bool = False


class NoHeader(ValueError):
    """No row looks like a header (the message says what was looked for)."""


def corrected(classify: Classify, mapping: Mapping[str, str | None] | None) -> Classify:
    """classify, with the user's corrections (heading -> field, None/'' for no field) first."""
    wanted = {normalise(k): (v or None) for k, v in (mapping or {}).items()}

    def classify_with(text: object) -> tuple[str | None, str, str]:
        words = normalise(text)
        if words in wanted:
            found, period, _ = classify(text)
            chosen = wanted[words]
            return chosen, period if chosen == found else "", "your choice"
        return classify(text)

    return classify_with


def _texts(cells: Sequence[Any]) -> list[tuple[int, str]]:
    return [(i, " ".join(v.split())) for i, v in enumerate(cells) if isinstance(v, str) and v.strip()]


def _filled(cells: Sequence[Any]) -> int:
    return sum(v is not None and str(v).strip() != "" for v in cells)


def _columns(cells: Sequence[Any], classify: Classify, labels: Mapping[str, str]) -> list[ColumnMatch]:
    columns = []
    for index, text in _texts(cells):
        key, period, how = classify(text)
        columns.append(ColumnMatch(index, text, key, period, how, labels.get(key or "", "")))
    return columns


def _score(columns: list[ColumnMatch], key_fields: tuple[str, ...], following: int) -> float:
    fields = {c.field for c in columns if c.field}
    if len(fields) < 2 or not fields & set(key_fields):
        return 0.0
    unknown = sum(c.field is None for c in columns)
    return 3 * len(fields) + 4 - 0.5 * unknown + (2 if following >= 2 else 0)


_REF_LIKE = re.compile(r"\d{1,3}(\.\d{1,3}){0,3}[a-z]?\.?|[a-z]{1,4}[ .-]?\d{1,3}(\.\d{1,3})?[a-z]?", re.I)


def _numbering(rows: Sequence[tuple[int, Sequence[Any]]], index: int) -> bool:
    """A column of refs: whole numbers or short refs ('1', '2.3', 'P1') in most filled cells."""
    values = [cells[index] for _, cells in rows[:300] if index < len(cells)
              and cells[index] is not None and str(cells[index]).strip()]
    if len(values) < 2:
        return False
    numbered = sum(isinstance(v, int) and not isinstance(v, bool) or isinstance(v, float)
                   or isinstance(v, str) and _REF_LIKE.fullmatch(v.strip()) is not None for v in values)
    return numbered >= 0.6 * len(values)


def find_header(rows: Sequence[tuple[int, Sequence[Any]]], classify: Classify, vocabulary: Vocabulary, *,
                mapping: Mapping[str, str | None] | None = None, header_row: int | None = None) -> Header:
    """The header row (the best scored of the first 40, or the row the user gave) and its columns."""
    classify = corrected(classify, mapping)
    labels = vocabulary.labels
    if header_row is not None:
        position = next((p for p, (number, _) in enumerate(rows) if number == header_row), None)
        if position is None:
            raise NoHeader(f"Row {header_row} is not in the sheet: it has rows 1 to {rows[-1][0] if rows else 0}.")
        columns = _columns(rows[position][1], classify, labels)
        if not columns:
            raise NoHeader(f"Row {header_row} holds no headings: choose the row with the column headings.")
        chosen = True
    else:
        best: tuple[float, int, list[ColumnMatch]] | None = None
        for position, (_, cells) in enumerate(rows[:SEARCHED]):
            if _filled(cells) < 2:
                continue
            columns = _columns(cells, classify, labels)
            following = next((_filled(c) for _, c in rows[position + 1:position + 4] if _filled(c) >= 1), 0)
            score = _score(columns, vocabulary.key_fields, following)
            if score and (best is None or score > best[0]):
                best = (score, position, columns)
        if best is None:
            keys = " or ".join(f"'{labels.get(k, k)}'" for k in vocabulary.key_fields)
            raise NoHeader("No header row found in the first 40 rows: none names "
                           f"{keys} and another field. Say which row holds the headings (header row), or what a "
                           "heading means (e.g. Aims = Action).")
        _, position, columns = best
        chosen = False
    header_cells = rows[position][1]
    below = list(rows[position + 1:])
    if not any(c.field == "ref" for c in columns) and "ref" in vocabulary.headings:
        taken = {c.index for c in columns}
        width = max((len(c) for _, c in below[:300]), default=0)
        for index in range(width):
            empty_head = index >= len(header_cells) or header_cells[index] is None or not str(
                header_cells[index]).strip()
            if index not in taken and empty_head and _numbering(below, index):
                columns.insert(0, ColumnMatch(index, f"(no heading, column {column_letter(index)})", "ref", "",
                                              "a column of numbers with no heading", labels.get("ref", "ref")))
                break
    columns.sort(key=lambda c: c.index)
    own = [normalise(v) for _, v in _texts(header_cells)]
    repeats = set()
    for number, cells in below:
        texts = [normalise(v) for _, v in _texts(cells)]
        if len(texts) >= 2 and len(set(texts) & set(own)) >= max(2, int(0.8 * len(own))):
            repeats.add(number)
    return Header(position, rows[position][0], columns, repeats, chosen)

"""Colours people must read: every RAG word on its colour, captions on the page, chart text, all at
least 4.5:1 (WCAG 2.2 AA, 1.4.3); Red reads red and Amber amber; the five ratings stay apart for
people with the common colour-vision deficiencies (the word is always beside the colour as well)."""

from __future__ import annotations

import colorsys
import itertools
import math
import re
import tomllib
from pathlib import Path

import pytest

from plan.charts import CHART_TEXT, rag_bar
from plan.vocab import RAG_COLOURS, RAG_LABELS, RAG_TEXT_COLOURS, Rag
from ui.rag import badge

ROOT = Path(__file__).resolve().parents[2]
AA = 4.5

# Streamlit 1.67's own values where config.toml leaves them unset (read from the running app).
STREAMLIT_TEXT = "#2F2D2B"
STREAMLIT_BACKGROUND = "#FFFFFF"
STREAMLIT_SIDEBAR = "#F8F8F7"
# st.caption is the text colour drawn at 60% opacity.
CAPTION_OPACITY = 0.6


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance."""
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(front: str, back: str, opacity: float) -> str:
    """`front` drawn at `opacity` over `back`, as the browser composites it."""
    mixed = (round((opacity * f + (1 - opacity) * b) * 255) for f, b in zip(_rgb(front), _rgb(back), strict=True))
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _theme() -> dict[str, str]:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text()).get("theme", {})


def test_contrast_matches_wcag_reference_values() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast("#D55E00", "#FFFFFF") == pytest.approx(3.87, abs=0.01)  # the old Red: too low


@pytest.mark.parametrize("rag", list(Rag), ids=lambda rag: rag.value)
def test_each_rating_word_is_readable_on_its_colour(rag: Rag) -> None:
    ratio = contrast(RAG_TEXT_COLOURS[rag], RAG_COLOURS[rag])
    assert ratio >= AA, f"{RAG_LABELS[rag]}: {RAG_TEXT_COLOURS[rag]} on {RAG_COLOURS[rag]} is {ratio:.2f}:1"


@pytest.mark.parametrize("rag", list(Rag), ids=lambda rag: rag.value)
def test_the_badge_writes_the_word_in_its_text_colour_on_its_colour(rag: Rag) -> None:
    html = badge(rag.value)
    assert f"background:{RAG_COLOURS[rag]}" in html and f"color:{RAG_TEXT_COLOURS[rag]}" in html
    assert re.search(rf">{RAG_LABELS[rag]}</span>$", html)


@pytest.mark.parametrize("where", ["page", "sidebar"])
def test_captions_are_readable_on_the_page_and_the_sidebar(where: str) -> None:
    theme = _theme()
    text = theme.get("textColor", STREAMLIT_TEXT)
    background = theme.get("backgroundColor", STREAMLIT_BACKGROUND) if where == "page" else STREAMLIT_SIDEBAR
    caption = blend(text, background, CAPTION_OPACITY)
    ratio = contrast(caption, background)
    assert ratio >= AA, f"captions are {caption} on {background}: {ratio:.2f}:1"


def test_streamlits_default_caption_grey_was_too_light() -> None:
    """What the theme fixes: the default text colour gives the #828180 captions axe reported."""
    assert blend(STREAMLIT_TEXT, STREAMLIT_BACKGROUND, CAPTION_OPACITY) == "#828180"
    assert contrast("#828180", STREAMLIT_BACKGROUND) < AA


def test_body_text_and_primary_buttons_are_readable() -> None:
    theme = _theme()
    background = theme.get("backgroundColor", STREAMLIT_BACKGROUND)
    assert contrast(theme.get("textColor", STREAMLIT_TEXT), background) >= AA
    assert contrast("#FFFFFF", theme["primaryColor"]) >= AA  # a primary button's white label


def test_chart_words_are_readable_on_the_page() -> None:
    assert contrast(CHART_TEXT, _theme().get("backgroundColor", STREAMLIT_BACKGROUND)) >= AA


def test_chart_counts_are_written_above_the_bars_never_inside_a_patterned_segment() -> None:
    figure = rag_bar([
        {"group": "Prepare", "by_rag": {"red": 1, "amber": 5, "green": 1, "blue": 1, "not_assessed": 0}},
        {"group": "Police <Essex> & partners", "by_rag": {"red": 0, "amber": 0, "green": 0, "blue": 0,
                                                           "not_assessed": 3}},
    ], title="Actions by theme and RAG")
    assert all(not bar.text and not bar.texttemplate for bar in figure.data)
    assert [bar.name for bar in figure.data] == ["Red", "Amber", "Green", "Blue", "Not yet assessed"]
    above = [note.text for note in figure.layout.annotations]
    assert above == ["<b>Prepare (8 actions)</b><br>Red 1 · Amber 5 · Green 1 · Blue 1",
                     "<b>Police &lt;Essex&gt; &amp; partners (3 actions)</b><br>Not yet assessed 3"]
    assert {note.font.color for note in figure.layout.annotations} <= {None, CHART_TEXT}  # None: the figure's
    assert figure.layout.font.color == CHART_TEXT


def _hue(colour: str) -> float:
    return colorsys.rgb_to_hls(*_rgb(colour))[0] * 360


def test_red_reads_red_and_amber_reads_amber() -> None:
    """Red within 15 degrees of pure red (the old #D55E00 was 26: orange beside amber); amber between
    orange and yellow; and far enough apart to tell at a glance."""
    red, amber = _hue(RAG_COLOURS[Rag.RED]), _hue(RAG_COLOURS[Rag.AMBER])
    assert min(red, 360 - red) <= 15, f"Red's hue is {red:.0f} degrees"
    assert 35 <= amber <= 50, f"Amber's hue is {amber:.0f} degrees"
    assert luminance(RAG_COLOURS[Rag.AMBER]) > 3 * luminance(RAG_COLOURS[Rag.RED])


# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
DEFICIENCIES = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _lab(colour: str, deficiency: str | None) -> tuple[float, float, float]:
    """CIELAB (D65) of the colour as someone with `deficiency` sees it."""
    rgb = [_linear(c) for c in _rgb(colour)]
    if deficiency:
        rgb = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True))))
               for row in DEFICIENCIES[deficiency]]
    r, g, b = rgb
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           0.0193 * r + 0.1192 * g + 0.9505 * b)
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
                  for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_the_ratings_stay_apart_with_colour_blindness(deficiency: str | None) -> None:
    """Every two ratings differ by at least 25 (CIE76 delta E) as seen with each deficiency: the old
    Okabe-Ito set came to 12 (Green beside Not yet assessed, deuteranopia), a classic red and green 16."""
    for a, b in itertools.combinations(Rag, 2):
        distance = math.dist(_lab(RAG_COLOURS[a], deficiency), _lab(RAG_COLOURS[b], deficiency))
        assert distance >= 25, f"{a.label} and {b.label}: {distance:.1f} with {deficiency or 'full colour vision'}"

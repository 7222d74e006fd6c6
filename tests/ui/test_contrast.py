"""The stylesheet's colour pairs meet WCAG AA (4.5:1 for text) — computed, not eyeballed."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "services/ui/static/osl.css").read_text()
VARIABLES = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour(name: str) -> str:
    return VARIABLES[name] if not name.startswith("#") else name


@pytest.mark.parametrize(("text", "background"), [
    ("text", "background"), ("text", "surface"), ("muted", "background"), ("muted", "surface"),
    ("accent", "background"), ("accent", "surface"), ("accent-dark", "background"), ("#ffffff", "accent"),
    ("#ffffff", "accent-dark"), ("warning", "warning-bg"), ("#3d2800", "warning-bg"), ("#a00000", "surface"),
])
def test_text_colours_meet_wcag_aa(text, background):
    assert contrast(colour(text), colour(background)) >= 4.5


def test_the_checker_rejects_a_poor_pair():
    assert contrast("#777777", "#ffffff") < 4.5

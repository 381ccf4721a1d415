"""Templates hold no inline script, handler or style: the content security policy would refuse them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style", re.IGNORECASE),
}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_it_has_nothing_inline(template):
    text = template.read_text()

    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(text)]

    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<form onsubmit="return confirm(1)">',
        '<a href="javascript:void(0)">',
        '<div style="color: red">',
        "<style>p {}</style>",
    ],
)
def test_the_patterns_catch_each_kind(snippet):
    assert any(pattern.search(snippet) for pattern in FORBIDDEN.values())


def test_the_patterns_let_external_scripts_and_data_attributes_pass():
    allowed = '<script src="/static/js/confirm.js" defer></script><form data-confirm="Sure?" action="/x">'

    assert not any(pattern.search(allowed) for pattern in FORBIDDEN.values())

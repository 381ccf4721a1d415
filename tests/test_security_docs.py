"""The security page exists, covers what operators and reporters need, and the README links it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_links_the_security_page():
    assert "(docs/security.md)" in (ROOT / "README.md").read_text()


def test_the_security_page_covers_the_threat_model_logging_secrets_and_reporting():
    text = (ROOT / "docs" / "security.md").read_text()

    for heading in ("## Who is trusted with what", "## What is logged", "## How secrets are kept"):
        assert heading in text
    assert "## Reporting a vulnerability" in text
    for who in ("**Owner**", "**Editor**", "**Viewer**", "**Write-key holder**", "**Anyone on the network**"):
        assert who in text
    assert "$remote_user" in text

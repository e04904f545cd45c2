"""Fixtures shared by the assessments tests (the personas are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from assessments import reports


@pytest.fixture
def captured(monkeypatch):
    """The HTML each report view hands to WeasyPrint (the PDF is still made from it)."""
    seen: list[str] = []
    real = reports.render_pdf

    def spy(html, base_url):
        seen.append(html)
        return real(html, base_url)

    monkeypatch.setattr(reports, "render_pdf", spy)
    return seen

"""The framework content a transactional test gets after a flush is the content ``load_content``
gives: the conftest puts back the rows it kept from the first load instead of loading again."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from frameworks.content import content_fixtures, content_load
from tests.conftest import ContentSnapshot, ensure_content


@pytest.mark.django_db(transaction=True)
def test_content_put_back_after_a_flush_is_the_loaded_content_row_for_row():
    call_command("flush", interactive=False, reset_sequences=False, verbosity=0)

    ensure_content()

    for model, rows in ContentSnapshot.rows.items():
        assert list(model.objects.order_by("pk").values()) == rows, model._meta.label
    fixture_objects = sum(
        len(json.loads(path.read_text(encoding="utf-8"))) for path in content_fixtures()
    )
    report = content_load()
    assert (report.created, report.kept) == (0, fixture_objects)

"""System check restflow.W090: a default paginator whose page size is None."""

from __future__ import annotations

from django.core import checks
from django.test import override_settings

from restflow.pagination.checks import check_default_pagination


def ids(messages):
    return [message.id for message in messages]


def test_w090_fires_without_page_size():
    with override_settings(
        REST_FRAMEWORK={"DEFAULT_PAGINATION_CLASS": "restflow.pagination.PageNumberPagination"}
    ):
        messages = check_default_pagination()
    assert ids(messages) == ["restflow.W090"]
    assert "'restflow.pagination.pagination.PageNumberPagination'" in messages[0].msg
    assert "PAGE_SIZE" in messages[0].hint


def test_w090_quiet_with_page_size():
    with override_settings(
        REST_FRAMEWORK={
            "DEFAULT_PAGINATION_CLASS": "restflow.pagination.FastPageNumberPagination",
            "PAGE_SIZE": 20,
        }
    ):
        assert check_default_pagination() == []


def test_w090_quiet_without_default_or_with_sized_subclass():
    assert check_default_pagination() == []
    with override_settings(
        REST_FRAMEWORK={"DEFAULT_PAGINATION_CLASS": "tests.viewsapp.views.SmallPages"}
    ):
        assert check_default_pagination() == []


def test_w090_runs_in_manage_check():
    with override_settings(
        REST_FRAMEWORK={"DEFAULT_PAGINATION_CLASS": "restflow.pagination.CursorPagination"}
    ):
        messages = checks.run_checks(tags=["restflow"])
    assert "restflow.W090" in ids(messages)

from __future__ import annotations

from django.test import override_settings

from restflow.filters.checks import check_filter_backends

RESTFLOW = "restflow.filters.RestflowFilterBackend"


def ids(messages):
    return [message.id for message in messages]


def backends(*paths):
    return override_settings(REST_FRAMEWORK={"DEFAULT_FILTER_BACKENDS": list(paths)})


def test_quiet_with_restflow_alone_or_absent():
    with backends(RESTFLOW):
        assert check_filter_backends() == []
    with backends("django_filters.rest_framework.DjangoFilterBackend"):
        assert check_filter_backends() == []
    with backends():
        assert check_filter_backends() == []


def test_w080_django_filter_backend_next_to_restflow():
    with backends(RESTFLOW, "django_filters.rest_framework.DjangoFilterBackend"):
        messages = check_filter_backends()
    assert ids(messages) == ["restflow.W080"]
    assert "DjangoFilterBackend" in messages[0].msg
    assert "Remove DjangoFilterBackend" in messages[0].hint


def test_w081_ordering_filter_next_to_restflow():
    with backends(RESTFLOW, "rest_framework.filters.OrderingFilter"):
        messages = check_filter_backends()
    assert ids(messages) == ["restflow.W081"]
    assert "tiebreak" in messages[0].msg


def test_registered_with_django_checks():
    from django.core import checks

    assert check_filter_backends in checks.registry.registry.get_checks()

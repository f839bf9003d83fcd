"""restflow_settings: merge, nesting, reload, to_dict, and the message for each wrong shape."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings

from restflow.settings import (
    DEFAULTS,
    REMOVED,
    SCHEMA,
    RestflowSettings,
    Section,
    SettingsError,
    reload_restflow_settings,
    restflow_settings,
    setting_path,
    validate_user_settings,
)

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "settings.md"


def problems_of(value):
    return validate_user_settings(value)


def only_problem(value):
    problems = problems_of(value)
    assert len(problems) == 1, problems
    return problems[0]


# --- access and merge ------------------------------------------------------------


def test_defaults_read():
    assert restflow_settings.JWT.ALGORITHM == "HS256"
    assert restflow_settings.EXCEPTIONS.ENVELOPE == "restflow"
    assert restflow_settings.MIDDLEWARE.ERROR_ENVELOPE_PATHS == ("/api/",)


def test_item_access_matches_attribute():
    assert restflow_settings["JWT"]["ALGORITHM"] == restflow_settings.JWT.ALGORITHM


def test_override_reloads():
    with override_settings(RESTFLOW_SETTINGS={"JWT": {"ALGORITHM": "HS512"}}):
        assert restflow_settings.JWT.ALGORITHM == "HS512"
    assert restflow_settings.JWT.ALGORITHM == "HS256"


def test_override_merges_per_key():
    with override_settings(RESTFLOW_SETTINGS={"JWT": {"ISSUER": "shop"}}):
        assert restflow_settings.JWT.ISSUER == "shop"
        assert restflow_settings.JWT.ALGORITHM == "HS256"
        assert restflow_settings.CACHE_SETTINGS.BACKEND == "django"


def test_nested_block_merges_per_key():
    user = {"CACHE_SETTINGS": {"DISPATCHER_SETTINGS": {"celery": {"QUEUE": "cache"}}}}
    with override_settings(RESTFLOW_SETTINGS=user):
        celery = restflow_settings.CACHE_SETTINGS.DISPATCHER_SETTINGS.celery
        assert celery.QUEUE == "cache"
        assert celery.TASK_NAME == "restflow.caching.tasks.task_run_cache_rules"
        assert celery.RAISE_EXCEPTION is None
        assert restflow_settings.CACHE_SETTINGS.DISPATCHER_SETTINGS.threadpool.MAX_WORKERS == 4


def test_generation_increments_on_reload():
    before = restflow_settings.generation
    with override_settings(RESTFLOW_SETTINGS={"JWT": {"ISSUER": "a"}}):
        assert restflow_settings.generation == before + 1
    assert restflow_settings.generation == before + 2


def test_other_setting_change_keeps_cache():
    before = restflow_settings.generation
    with override_settings(DEBUG=True):
        assert restflow_settings.generation == before


def test_receiver_ignores_other_settings():
    before = restflow_settings.generation
    reload_restflow_settings(setting="CACHES")
    assert restflow_settings.generation == before
    reload_restflow_settings(setting="RESTFLOW_SETTINGS")
    assert restflow_settings.generation == before + 1


def test_unknown_attribute_names_suggestion():
    with pytest.raises(AttributeError, match=r"Invalid restflow setting: 'ALGORITM'.*'ALGORITHM'"):
        _ = restflow_settings.JWT.ALGORITM


def test_private_attribute_plain_error():
    with pytest.raises(AttributeError) as info:
        _ = restflow_settings._missing
    assert "Invalid restflow setting" not in str(info.value)


def test_to_dict_resolves_nested():
    with override_settings(RESTFLOW_SETTINGS={"JWT": {"ISSUER": "shop"}}):
        resolved = restflow_settings.to_dict()
    assert resolved["JWT"]["ISSUER"] == "shop"
    assert resolved["JWT"]["ALGORITHM"] == "HS256"
    assert resolved["CACHE_SETTINGS"]["DISPATCHER_SETTINGS"]["celery"]["QUEUE"] is None
    assert set(resolved) == set(DEFAULTS)


def test_to_dict_keeps_custom_dispatcher_block():
    blocks = {"huey": {"QUEUE": "low", "RETRIES": 3}}
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"DISPATCHER_SETTINGS": blocks}}):
        dispatcher_settings = restflow_settings.to_dict()["CACHE_SETTINGS"]["DISPATCHER_SETTINGS"]
    assert dispatcher_settings["huey"] == {"QUEUE": "low", "RETRIES": 3}
    assert dispatcher_settings["inline"] == {"RAISE_EXCEPTION": None}


def test_custom_loader_and_defaults():
    settings_object = RestflowSettings(
        {"A": 1, "B": {"C": 2}}, lambda: {"B": {"C": 3}}, validate=False
    )
    assert settings_object.A == 1
    assert settings_object.B.C == 3
    assert settings_object.user_settings == {"B": {"C": 3}}


def test_invalid_settings_raise_on_read():
    with override_settings(RESTFLOW_SETTINGS={"JWT": {"ACCES_TOKEN_LIFETIME": 5}}):
        with pytest.raises(SettingsError, match="ACCESS_TOKEN_LIFETIME") as info:
            _ = restflow_settings.JWT.ALGORITHM
        assert info.value.problems[0].id == "restflow.E002"
        assert str(info.value).startswith("(restflow.E002) ")
    assert restflow_settings.JWT.ALGORITHM == "HS256"


def test_error_counts_more_problems():
    invalid = override_settings(RESTFLOW_SETTINGS={"JWT": {"LEEWAY": -1, "ISSUER": 5}})
    with invalid, pytest.raises(SettingsError, match=r"1 more problem"):
        _ = restflow_settings.JWT.ALGORITHM


# --- each wrong shape ----------------------------------------------------------------


@pytest.mark.parametrize("value", [None, [], "JWT", 5, ("JWT",)])
def test_not_a_dict(value):
    problem = only_problem(value)
    assert problem.id == "restflow.E001"
    assert problem.path == ()
    assert problem.message.startswith("RESTFLOW_SETTINGS must be a dict, not ")
    assert repr(value) in problem.message


def test_section_not_a_dict():
    problem = only_problem({"JWT": ["HS256"]})
    assert problem.id == "restflow.E001"
    assert problem.path == ("JWT",)
    assert 'RESTFLOW_SETTINGS["JWT"] must be a dict, not list' in problem.message
    assert "ACCESS_TOKEN_LIFETIME" in problem.hint


def test_nested_block_not_a_dict():
    problem = only_problem({"CACHE_SETTINGS": {"DISPATCHER_SETTINGS": {"celery": "fast"}}})
    assert problem.id == "restflow.E001"
    assert problem.path == ("CACHE_SETTINGS", "DISPATCHER_SETTINGS", "celery")


def test_custom_dispatcher_block_not_a_dict():
    problem = only_problem({"CACHE_SETTINGS": {"DISPATCHER_SETTINGS": {"huey": 3}}})
    assert problem.id == "restflow.E001"
    assert 'RESTFLOW_SETTINGS["CACHE_SETTINGS"]["DISPATCHER_SETTINGS"]["huey"]' in problem.message


def test_unknown_section_suggests():
    problem = only_problem({"JTW": {}})
    assert problem.id == "restflow.E002"
    assert problem.message == (
        "RESTFLOW_SETTINGS[\"JTW\"] is not a known restflow section. Did you mean 'JWT'?"
    )
    assert "CACHE_SETTINGS" in problem.hint
    assert "MIDDLEWARE" in problem.hint


def test_unknown_key_suggests():
    problem = only_problem({"JWT": {"ACCES_TOKEN_LIFETIME": 5}})
    assert problem.id == "restflow.E002"
    assert problem.path == ("JWT", "ACCES_TOKEN_LIFETIME")
    assert 'RESTFLOW_SETTINGS["JWT"]["ACCES_TOKEN_LIFETIME"]' in problem.message
    assert "Did you mean 'ACCESS_TOKEN_LIFETIME'?" in problem.message


def test_unknown_key_far_off_no_suggestion():
    problem = only_problem({"EXCEPTIONS": {"ZZZ": 1}})
    assert "Did you mean" not in problem.message
    assert "ENVELOPE" in problem.hint


def test_non_string_key():
    problem = only_problem({5: {}})
    assert problem.id == "restflow.E002"


@pytest.mark.parametrize(
    ("section", "key", "value", "accepted"),
    [
        ("JWT", "ACCESS_TOKEN_LIFETIME", 300, "datetime.timedelta"),
        ("JWT", "ACCESS_TOKEN_LIFETIME", timedelta(0), "greater than zero"),
        ("JWT", "REFRESH_TOKEN_LIFETIME", "1d", "datetime.timedelta"),
        ("JWT", "LEEWAY", -1, ">= 0"),
        ("JWT", "BLACKLIST_ENABLED", "yes", "True or False"),
        ("JWT", "AUTH_HEADER_TYPES", (), "non-empty list"),
        ("JWT", "AUTH_HEADER_TYPES", "Bearer", "list or tuple"),
        ("JWT", "AUTH_COOKIE_SAMESITE", "lax", "'Lax'"),
        ("JWT", "SIGNING_KEY", 1234, "str or bytes"),
        ("CACHE_SETTINGS", "MAX_KEY_SUFFIX_LENGTH", 0, "positive integer"),
        ("CACHE_SETTINGS", "MAX_KEY_SUFFIX_LENGTH", True, "positive integer"),
        ("CACHE_SETTINGS", "STAMPEDE_LOCK_TIMEOUT", -5, ">= 0"),
        ("CACHE_SETTINGS", "BACKEND", "", "registered short name"),
        ("THROTTLING", "SOCKET_TIMEOUT", "fast", ">= 0"),
        ("EXCEPTIONS", "EXPOSE_INTERNAL_ERRORS", "no", "None, True or False"),
        ("MIDDLEWARE", "ERROR_ENVELOPE_PATHS", "/api/", "list or tuple"),
        ("MIDDLEWARE", "ERROR_ENVELOPE_PATHS", ["api/"], "starting with '/'"),
        ("MIDDLEWARE", "REQUEST_ID_HEADER", "X Request", "HTTP header name"),
        ("MIDDLEWARE", "CACHE_RULES", ["rule"], "list of dicts"),
    ],
)
def test_invalid_value(section, key, value, accepted):
    problem = only_problem({section: {key: value}})
    assert problem.id == "restflow.E003"
    assert problem.path == (section, key)
    assert problem.message.startswith(f"{setting_path(section, key)} has an invalid value ")
    assert repr(value) in problem.message
    assert type(value).__name__ in problem.message
    assert accepted in problem.hint


def test_invalid_nested_value():
    user = {"CACHE_SETTINGS": {"DISPATCHER_SETTINGS": {"threadpool": {"MAX_WORKERS": 0}}}}
    problem = only_problem(user)
    assert problem.id == "restflow.E003"
    assert problem.path == ("CACHE_SETTINGS", "DISPATCHER_SETTINGS", "threadpool", "MAX_WORKERS")


def test_removed_key_reported(monkeypatch):
    advice = "Use RESTFLOW_SETTINGS['JWT']['LEEWAY'] instead."
    monkeypatch.setitem(REMOVED, ("JWT", "CLOCK_SKEW"), advice)
    problem = only_problem({"JWT": {"CLOCK_SKEW": 5}})
    assert problem.id == "restflow.E004"
    assert problem.message == 'RESTFLOW_SETTINGS["JWT"]["CLOCK_SKEW"] was removed from restflow.'
    assert problem.hint == advice


def test_removed_keys_not_in_schema():
    # A removed key that is back in the schema would never be reported.
    for path in REMOVED:
        section = SCHEMA
        for part in path[:-1]:
            section = section.keys[part]
        assert path[-1] not in section.keys


def test_every_problem_reported():
    problems = problems_of({"JWT": {"LEEWAY": -1, "ISSUER": 5}, "NOPE": {}})
    assert sorted(problem.id for problem in problems) == [
        "restflow.E002",
        "restflow.E003",
        "restflow.E003",
    ]


def test_valid_values_accepted():
    user = {
        "JWT": {
            "ACCESS_TOKEN_LIFETIME": timedelta(minutes=1),
            "LEEWAY": timedelta(seconds=3),
            "AUDIENCE": ["web", "mobile"],
            "SIGNING_KEY": b"key",
            "USER_AUTHENTICATION_RULE": lambda user: True,
        },
        "CACHE_SETTINGS": {"KEY_HASH_ALGORITHM": lambda text: text, "BACKEND": object},
        "MIDDLEWARE": {"ERROR_ENVELOPE_PATHS": ["/", "/v2/"], "REQUEST_ID_HEADER": "X-Trace"},
        "EXCEPTIONS": {"EXPOSE_INTERNAL_ERRORS": False},
    }
    assert problems_of(user) == []


def test_defaults_validate():
    assert problems_of(DEFAULTS) == []


def test_setting_path_form():
    assert setting_path("JWT", "ALGORITHM") == 'RESTFLOW_SETTINGS["JWT"]["ALGORITHM"]'


# --- the reference page ----------------------------------------------------------------


def _key_paths(section: Section, prefix: tuple[str, ...] = ()):
    for name, item in section.keys.items():
        path = (*prefix, name)
        if isinstance(item, Section):
            yield from _key_paths(item, path)
        else:
            yield path


def test_reference_page_lists_every_key():
    page = DOCS_PAGE.read_text()
    missing = []
    for path in _key_paths(SCHEMA):
        # Each key is a table row whose first cell is the key in backticks,
        # under a heading that names its section path.
        heading = re.search(rf"^#+ `{re.escape('.'.join(path[:-1]))}`", page, re.MULTILINE)
        row = f"| `{path[-1]}` |"
        if heading is None or row not in page[heading.end() :]:
            missing.append(".".join(path))
    assert not missing, f"docs/reference/settings.md does not describe: {', '.join(missing)}"

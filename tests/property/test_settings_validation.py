"""Property tests: any nested dict validates without crashing; schema-shaped settings load."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from restflow import settings as restflow_settings_module
from restflow.settings import (
    DEFAULTS,
    SCHEMA,
    RestflowSettings,
    Section,
    SettingsError,
    validate_user_settings,
)

S = restflow_settings_module

KNOWN_NAMES = sorted(
    {name for name in DEFAULTS}
    | {name for section in DEFAULTS.values() if isinstance(section, dict) for name in section}
    | {"DISPATCHER_SETTINGS", "celery", "threadpool", "huey"}
)

leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.binary(max_size=10)
    | st.timedeltas(min_value=timedelta(days=-5), max_value=timedelta(days=5))
)
keys = st.sampled_from(KNOWN_NAMES) | st.text(max_size=12) | st.integers(-3, 3)
anything = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=25,
)
nested_dicts = st.dictionaries(keys, anything, max_size=6)

positive_delta = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=400))
non_negative_delta = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400))
seconds = st.integers(0, 10**6) | st.floats(0, 1e6)
names = st.text(min_size=1, max_size=15)
name_lists = st.lists(names, max_size=4)

# Valid values for each check of the schema; a check added later without an
# entry here is exercised with its default value.
VALID: dict[Any, st.SearchStrategy[Any]] = {
    S.BOOL: st.booleans(),
    S.POSITIVE_INT: st.integers(1, 10**6),
    S.NON_NEGATIVE_INT: st.integers(0, 10**6),
    S.NON_NEGATIVE_NUMBER: seconds,
    S.OPTIONAL_NON_NEGATIVE_NUMBER: st.none() | seconds,
    S.STRING: names,
    S.OPTIONAL_STRING: st.none() | st.text(max_size=15),
    S.OPTIONAL_BOOL: st.none() | st.booleans(),
    S.KEY: st.none() | st.text(max_size=20) | st.binary(max_size=20),
    S.STRING_TUPLE: name_lists | name_lists.map(tuple),
    S.NON_EMPTY_STRING_TUPLE: st.lists(names, min_size=1, max_size=3),
    S.POSITIVE_TIMEDELTA: positive_delta,
    S.NON_NEGATIVE_TIMEDELTA: non_negative_delta,
    S.LEEWAY: seconds | non_negative_delta,
    S.AUDIENCE: st.none() | names | name_lists,
    S.CALLABLE_OR_PATH: st.just("a.b.c") | st.just(len),
    S.HASH_ALGORITHM: st.sampled_from(["sha256", "md5", "blake2b"]),
    S.VERIFYING_KEYS: st.lists(st.text(max_size=8), max_size=2) | st.just({"keys": []}),
    S.SAMESITE: st.sampled_from(["Lax", "Strict", "None"]),
    S.PATH_PREFIXES: st.lists(st.text(max_size=8).map(lambda text: "/" + text), max_size=3),
    S.HEADER_NAME: st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True),
    S.RULE_LIST: st.lists(st.dictionaries(names, st.integers(), max_size=2), max_size=2),
    S.ANY: anything,
}


def schema_settings(section: Section) -> st.SearchStrategy[dict[str, Any]]:
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, item in section.keys.items():
        if isinstance(item, Section):
            optional[name] = schema_settings(item)
        else:
            optional[name] = VALID.get(item.check, st.just(item.default))
    return st.fixed_dictionaries({}, optional=optional)


def load(user: Any) -> dict[str, Any]:
    return RestflowSettings(DEFAULTS, lambda: user).to_dict()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anything)
def test_any_value_only_settings_error(user):
    problems = validate_user_settings(user)
    try:
        resolved = load(user)
    except SettingsError as exc:
        assert exc.problems == problems
        assert all(
            problem.id in {"restflow.E001", "restflow.E002", "restflow.E003", "restflow.E004"}
            for problem in problems
        )
    else:
        assert problems == []
        assert set(resolved) >= set(DEFAULTS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested_dicts)
def test_nested_dicts_only_settings_error(user):
    problems = validate_user_settings(user)
    for problem in problems:
        assert problem.message.startswith("RESTFLOW_SETTINGS")
        assert problem.hint
    try:
        load(user)
    except SettingsError:
        assert problems
    else:
        assert not problems


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema_settings(SCHEMA))
def test_valid_settings_load(user):
    assert validate_user_settings(user) == []
    resolved = load(user)
    for section, values in user.items():
        for key, value in values.items():
            if not isinstance(value, dict):
                assert resolved[section][key] == value

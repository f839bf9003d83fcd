import pytest
from django.test import override_settings

from restflow.settings import SettingsError, restflow_settings


def test_defaults_read():
    assert restflow_settings.JWT.ALGORITHM == "HS256"


def test_override_reloads():
    with override_settings(RESTFLOW_SETTINGS={"JWT": {"ALGORITHM": "HS512"}}):
        assert restflow_settings.JWT.ALGORITHM == "HS512"
    assert restflow_settings.JWT.ALGORITHM == "HS256"


def test_typo_suggests():
    with override_settings(RESTFLOW_SETTINGS={"JWT": {"ACCES_TOKEN_LIFETIME": 5}}):
        with pytest.raises(SettingsError, match="ACCESS_TOKEN_LIFETIME"):
            restflow_settings.JWT.ALGORITHM

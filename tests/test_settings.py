from __future__ import annotations

from pathlib import Path

import pytest

from parlib.analysis.load import default_clean_dir
from parlib.errors import ConfigError
from parlib.settings import LIMITS, Settings, get_settings


def test_settings_default_without_variables():
    settings = Settings.from_environ({})
    assert settings.clean_dir is None
    assert settings.limits == {name: default for name, (_, default) in LIMITS.items()}


def test_settings_read_each_variable():
    environ = {variable: "7" for variable, _ in LIMITS.values()}
    settings = Settings.from_environ({**environ, "PARLIB_CLEAN_DIR": "/data/clean"})
    assert settings.limits == dict.fromkeys(LIMITS, 7)
    assert settings.clean_dir == Path("/data/clean")


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5"])
def test_a_bad_limit_names_the_variable_the_value_and_the_default(value):
    with pytest.raises(
        ConfigError,
        match=rf"PARLIB_MAX_CELLS must be a whole number from 1"
        rf".*{value}.*default 100,000,000",
    ):
        Settings.from_environ({"PARLIB_MAX_CELLS": value})


def test_the_environment_is_read_when_asked(monkeypatch, tmp_path):
    monkeypatch.setenv("PARLIB_CLEAN_DIR", str(tmp_path))
    assert get_settings().clean_dir == tmp_path
    assert default_clean_dir() == tmp_path
    monkeypatch.delenv("PARLIB_CLEAN_DIR")
    assert get_settings().clean_dir is None

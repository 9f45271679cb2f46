from pathlib import Path

import pytest

from medcite.config import load_settings
from medcite.errors import ConfigError


def test_precedence_arguments_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.toml").write_text("[search]\nk = 3\ncandidates = 50\n[ingest]\nembed = false\n")
    settings = load_settings(data_dir=data)
    assert (settings.search.k, settings.search.candidates, settings.ingest.embed) == (3, 50, False)
    monkeypatch.setenv("MEDCITE_SEARCH__K", "7")
    assert load_settings(data_dir=data).search.k == 7
    assert load_settings(data_dir=data, search={"k": 9}).search.k == 9
    assert load_settings(data_dir=data).database_url == f"sqlite:///{data / 'medcite.db'}"


def test_data_dir_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDCITE_DATA_DIR", str(tmp_path / "elsewhere"))
    assert load_settings().data_dir == tmp_path / "elsewhere"


def test_invalid_settings_raise_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(config_file=tmp_path / "missing.toml")
    monkeypatch.setenv("MEDCITE_SEARCH__K", "lots")
    with pytest.raises(ConfigError, match="Invalid settings"):
        load_settings(data_dir=tmp_path)
    monkeypatch.delenv("MEDCITE_SEARCH__K")
    with pytest.raises(ConfigError):
        load_settings(data_dir=tmp_path, search={"no_such_option": 1})

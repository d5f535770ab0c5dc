from pathlib import Path

import pytest

from claimdesk.errors import ConfigError
from claimdesk.settings import load_settings
from claims.thresholds import Thresholds

REPO = Path(__file__).resolve().parent.parent


def test_repo_config_loads_with_every_section():
    s = load_settings(REPO / "config.yaml")
    assert s.models.embedding.startswith("package:")
    assert s.retrieval.top_k >= 1
    assert s.resolve(s.database).parent == REPO


def test_judge_thresholds_load_with_their_defaults_and_reach_the_judge(tmp_path):
    """config.yaml's values are the judge's defaults; a changed key reaches judge() unchanged."""
    assert load_settings(REPO / "config.yaml").thresholds() == Thresholds()
    s = load_settings(_write(tmp_path, "judge:\n  open_ended_topic_overlap: 0.3\nretrieval:\n  min_similarity: 0.4\n"))
    assert s.thresholds() == Thresholds(open_ended_topic_overlap=0.3, min_similarity=0.4)


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.yaml"
    p.write_text(text)
    return p


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown key 'retrieval.topk'"):
        load_settings(_write(tmp_path, "retrieval:\n  topk: 3\n"))


def test_wrong_type_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"key 'retrieval.top_k' must be int"):
        load_settings(_write(tmp_path, "retrieval:\n  top_k: many\n"))


def test_missing_database_folder_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"key 'database'.*does not exist"):
        load_settings(_write(tmp_path, "database: no/such/folder/x.duckdb\n"))


def test_bad_choice_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="runner"):
        load_settings(_write(tmp_path, "runner: spark\n"))
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(_write(tmp_path, "retrieval: [\n"))


def test_error_is_one_line(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, "judge:\n  nope: 1\n"))
    assert "\n" not in str(info.value)
    assert "config.yaml" in str(info.value)

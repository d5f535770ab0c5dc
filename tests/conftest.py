"""Shared fixtures: real DuckDB files in tmp folders, the real spaCy and embedding models,
and one Prefect test harness per session (starting it costs ~10 s)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from claimdesk.settings import Settings, load_settings
from flows.prefect_env import configure

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"
DEVSET = REPO / "data" / "devset"


def pytest_configure(config: pytest.Config) -> None:
    """The tests' entry point sets Prefect's environment (quiet, local, no telemetry) as
    the CLI's `main` does, before any test module imports Prefect."""
    configure()


@pytest.fixture(scope="session")
def repo_settings() -> Settings:
    return load_settings(REPO / "config.yaml")


@pytest.fixture
def settings(tmp_path: Path, repo_settings: Settings) -> Settings:
    """The repo's config pointed at a fresh database file."""
    return dataclasses.replace(repo_settings, database=str(tmp_path / "test.duckdb"))


@pytest.fixture(scope="session")
def nlp(repo_settings: Settings):
    from claims.extract import load_nlp

    return load_nlp(repo_settings.models.spacy)


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield

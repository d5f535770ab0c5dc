"""Helpers shared by the speed benchmarks: one printed line per figure, the machine and
versions header, child processes with their own peak RSS and CPU time, and a stage
timer that wraps plain functions (exclusive times: a nested stage is subtracted from
the stage that called it)."""

from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("torch", "spacy", "sentence-transformers", "transformers", "duckdb", "prefect", "numpy", "hnswlib")


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "-"
    return out


def machine() -> dict[str, Any]:
    mem = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cores_usable": len(os.sched_getaffinity(0)), "mem_gib": round(mem, 1),
            "load_avg_1m": round(os.getloadavg()[0], 2), "platform": platform.platform()}


def header_lines() -> list[str]:
    m, v = machine(), versions()
    return [f"machine   cores={m['cores']} usable={m['cores_usable']} mem={m['mem_gib']}GiB load1m={m['load_avg_1m']} "
            f"({m['platform']})",
            "versions  " + " ".join(f"{k}={val}" for k, val in v.items())]


class Reporter:
    """Prints `group  name  value unit  (note)` lines and keeps them for the JSON summary."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.figures: list[dict[str, Any]] = []

    def fig(self, group: str, name: str, value: float | int | str | None, unit: str = "", note: str = "") -> None:
        if isinstance(value, float):
            shown = f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
        else:
            shown = str(value)
        line = f"{group:<10} {name:<44} {shown:>10} {unit}"
        if note:
            line += f"  ({note})"
        print(line.rstrip(), flush=True)
        self.figures.append({"group": group, "name": name, "value": value, "unit": unit, "note": note})

    def save(self, path: str | Path | None) -> None:
        if path:
            Path(path).write_text(json.dumps({"machine": machine(), "versions": versions(), "figures": self.figures},
                                             indent=1), encoding="utf-8")


def run_reported(group: str, body: Callable[[Reporter], None], *, json_path: str | None, header: bool = True) -> int:
    """Print the header, run `body`, then always add its wall time and save the figures:
    the frame every benchmark's `main` shares."""
    if header:
        for line in header_lines():
            print(line, flush=True)
    rep = Reporter()
    t = time.perf_counter()
    try:
        body(rep)
    finally:
        rep.fig(group, "benchmark wall time", time.perf_counter() - t, "s")
        rep.save(json_path)
    return 0


def write_report(out: dict[str, Any], started: float, json_path: str | None) -> None:
    """Finish a verdict benchmark the same way everywhere: wall time on stderr (so stdout
    stays one JSON line a script can read), the full report with its rows in `json_path`,
    and the summary without the rows on stdout."""
    out["seconds"] = round(time.perf_counter() - started, 1)
    print(f"\nwall time {out['seconds']:.1f} s", file=sys.stderr)
    if json_path:
        Path(json_path).write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k != "rows"}))


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    """Current resident set size of this process."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


@dataclass
class ChildRun:
    cmd: list[str]
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mib: float
    cpu_seconds: float


def run_child(cmd: list[str], env: dict[str, str] | None = None, cwd: str | Path | None = None,
              timeout: float = 7200) -> ChildRun:
    """Run a command; wall time, its own peak RSS and CPU time (os.wait4 on that child only)."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(cmd, seconds, proc.returncode, out.read().decode(errors="replace"),
                        err.read().decode(errors="replace"), ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime)


def bench_env(workdir: Path) -> dict[str, str]:
    """Environment for child processes: quiet, offline, a Prefect home kept between benchmark
    runs (~/.cache/claimdesk-bench/prefect-home, or $CLAIMDESK_BENCH_PREFECT_HOME), so the
    figures are those of a user's second command, not of Prefect's one-off first set-up."""
    env = dict(os.environ)
    home = os.environ.get("CLAIMDESK_BENCH_PREFECT_HOME") or str(Path.home() / ".cache" / "claimdesk-bench" / "prefect-home")
    Path(home).mkdir(parents=True, exist_ok=True)
    env.update({
        "PREFECT_HOME": home, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120", "PREFECT_LOGGING_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
        "PYTHONPATH": str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
    })
    return env


def claimdesk_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "claimdesk"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "flows.cli"]


# --- stage timer ------------------------------------------------------------------------

@dataclass
class Stage:
    wall: float = 0.0       # exclusive wall time
    cpu: float = 0.0        # exclusive CPU time of this process
    calls: int = 0
    items: int = 0


@dataclass
class StageTimer:
    """Wraps functions so each call's time is charged to a stage, minus nested stages."""

    stages: dict[str, Stage] = field(default_factory=dict)
    _stack: list[list[float]] = field(default_factory=list)
    _restore: list[tuple[Any, str, Any]] = field(default_factory=list)

    def timed(self, stage: str, fn: Callable[..., Any], count: Callable[..., int] | None = None) -> Callable[..., Any]:
        timer = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            frame = [0.0, 0.0]  # nested wall, nested cpu
            timer._stack.append(frame)
            t0, c0 = time.perf_counter(), cpu_seconds()
            try:
                return fn(*args, **kwargs)
            finally:
                dt, dc = time.perf_counter() - t0, cpu_seconds() - c0
                timer._stack.pop()
                st = timer.stages.setdefault(stage, Stage())
                st.wall += dt - frame[0]
                st.cpu += dc - frame[1]
                st.calls += 1
                if count is not None:
                    try:
                        st.items += count(*args, **kwargs)
                    except Exception:  # noqa: BLE001 - counting must never break the run
                        pass
                if timer._stack:
                    timer._stack[-1][0] += dt
                    timer._stack[-1][1] += dc

        wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
        return wrapper

    def patch(self, owner: Any, attr: str, stage: str, count: Callable[..., int] | None = None) -> None:
        raw = owner.__dict__[attr] if isinstance(owner, type) else getattr(owner, attr)
        self._restore.append((owner, attr, raw))
        if isinstance(raw, classmethod):
            setattr(owner, attr, classmethod(self.timed(stage, raw.__func__, count)))
        else:
            setattr(owner, attr, self.timed(stage, raw, count))

    def unpatch(self) -> None:
        for owner, attr, raw in reversed(self._restore):
            setattr(owner, attr, raw)
        self._restore.clear()

    @contextmanager
    def patched(self, specs: list[tuple[str, str, str, Callable[..., int] | None]]) -> Iterator[StageTimer]:
        """specs: (module or module:Class, attribute, stage, item counter)."""
        for target, attr, stage, count in specs:
            mod, _, cls = target.partition(":")
            try:
                owner: Any = importlib.import_module(mod)
                if cls:
                    owner = getattr(owner, cls)
            except (ImportError, AttributeError):
                continue  # the pipeline changed shape: time what still exists
            if (attr in owner.__dict__) if isinstance(owner, type) else hasattr(owner, attr):
                self.patch(owner, attr, stage, count)
        try:
            yield self
        finally:
            self.unpatch()

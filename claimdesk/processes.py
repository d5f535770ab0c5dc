"""Ending a child process we started (a desk server, a Prefect server) without leaving it behind."""

from __future__ import annotations

import subprocess


def stop_process(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Ask the process to stop, and kill it if it has not within `timeout` seconds: a server
    that ignores SIGTERM must not outlive the command that started it."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()

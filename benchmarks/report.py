"""Plain-text tables: the machine, then one table per workload with medians, ratios and targets."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import subprocess
from typing import Any

from .suite import ROOT, Workload


def machine() -> str:
    """Date, CPU, cores, OS, Python and peer versions, and the commit measured."""
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for name in ("micrograd", "torch"):
        try:
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
        except Exception:
            versions.append(f"{name} not installed")
    commit = subprocess.run(["git", "log", "-1", "--format=%h %cd", "--date=format:%Y-%m-%d %H:%M"],
                            cwd=ROOT, capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "autograd", "nn"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    if dirty:
        commit += " + uncommitted changes in autograd/ or nn/ (measured as they are on disk)"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"date {now}; commit {commit}\n"
            f"machine {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}\n"
            f"python {platform.python_version()} ({platform.python_implementation()}); {', '.join(versions)}")


def medians(results: dict[str, list[dict]]) -> dict[str, Any]:
    """engine -> median seconds (or, for memory, a dict of median bytes per node)."""
    out: dict[str, Any] = {}
    for engine, runs in results.items():
        good = [run for run in runs if "error" not in run and "skipped" not in run]
        if not good:
            continue
        if "graph_per_node" in good[0]:
            out[engine] = {key: statistics.median(run[key] for run in good if run.get(key) is not None)
                           for key in ("graph_per_node", "peak_per_node")}
            out[engine]["traced_per_node"] = good[0].get("traced_per_node")
        else:
            out[engine] = statistics.median(run["seconds"] for run in good)
    return out


def _status(runs: list[dict]) -> str | None:
    """The error or skip message of an engine that did not run, else None."""
    if not runs:
        return "not run"
    first = runs[0]
    return first.get("error") or first.get("skipped")


def table(number: int, workload: Workload, results: dict[str, list[dict]], problems: dict[str, str],
          size: int, quick: bool = False) -> tuple[str, list[bool | None]]:
    """The workload's table and its targets' verdicts."""
    lines = [f"{number}. [{workload.name}] {workload.title.format(size=size)}"]
    if workload.note:
        lines.append(f"   {workload.note}")
    meds = medians(results)
    for engine in problems:
        meds.pop(engine, None)  # a wrong result has no time
    if workload.kind == "memory":
        lines += _memory_rows(workload, results, meds, problems)
    else:
        lines += _time_rows(workload, results, meds, problems)
    verdicts = []
    for target in workload.targets:
        shown, passed = target.judge(meds)
        if target.info:
            lines.append(f"   [info] {target.text}: {shown}")
            continue
        if quick:  # small sizes: the targets are judged at the full sizes only
            lines.append(f"   [----] {target.text}: {shown} (--quick sizes: not judged)")
            continue
        verdicts.append(passed)
        mark = {True: "PASS", False: "FAIL", None: "----"}[passed]
        sign = ">=" if target.at_least else "<="
        lines.append(f"   [{mark}] {target.text}: {shown} (target {sign} {target.bound:g})")
    return "\n".join(lines), verdicts


def _time_rows(workload: Workload, results: dict, meds: dict, problems: dict) -> list[str]:
    rows = [f"   {'engine':<12} {'median s':>10} {'min s':>10} {'runs':>4}  {'x micrograd':>11}  "
            f"{'x floor':>8}  {'gc %':>4}  check"]
    for engine, runs in results.items():
        status = _status(runs)
        if engine in problems:
            rows.append(f"   {engine:<12} {'MISMATCH':>10}  {problems[engine]}")
            continue
        if status:
            rows.append(f"   {engine:<12} {'-':>10}  {status}")
            continue
        median = meds[engine]
        fastest = min(run["seconds"] for run in runs)
        vs_micrograd = f"{meds['micrograd'] / median:.1f}x" if "micrograd" in meds else "-"
        vs_floor = f"{median / meds['floor']:.1f}" if "floor" in meds else "-"
        check = ("reference" if engine == workload.reference
                 else ("ok" if workload.reference in meds else "-"))
        shares = [100 * run["gc_seconds"] / run["seconds"] for run in runs
                  if run.get("gc_seconds") is not None]
        gc_share = f"{statistics.median(shares):.0f}" if shares else "-"
        rows.append(f"   {engine:<12} {median:>10.4f} {fastest:>10.4f} {len(runs):>4}  {vs_micrograd:>11}  "
                    f"{vs_floor:>8}  {gc_share:>4}  {check}")
    return rows


def _memory_rows(workload: Workload, results: dict, meds: dict, problems: dict) -> list[str]:
    rows = [f"   {'engine':<12} {'graph B/node':>12} {'peak B/node':>12} {'traced B/node':>13} "
            f"{'runs':>4}  check"]
    for engine, runs in results.items():
        status = _status(runs)
        if engine in problems:
            rows.append(f"   {engine:<12} {'MISMATCH':>12}  {problems[engine]}")
            continue
        if status:
            rows.append(f"   {engine:<12} {'-':>12}  {status}")
            continue
        m = meds[engine]
        traced = f"{m['traced_per_node']:.0f}" if m.get("traced_per_node") is not None else "-"
        check = "reference" if engine == workload.reference else "ok"
        rows.append(f"   {engine:<12} {m['graph_per_node']:>12.0f} {m['peak_per_node']:>12.0f} {traced:>13} "
                    f"{len(runs):>4}  {check}")
    return rows


def demos_table(number: int, workload: Workload, results: dict) -> str:
    runs = results.get("tour", [])
    status = _status(runs)
    shown = status if status else f"{statistics.median(r['seconds'] for r in runs):.1f} s wall time"
    return f"{number}. [{workload.name}] {workload.title}: {shown}"

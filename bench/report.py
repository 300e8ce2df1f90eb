"""The results of a run: figures with ratios against the reference, the machine, and the markdown file."""

import datetime
import os
import platform
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured system on one workload case.

    Attributes:
        workload: e.g. `W2 group rollup`.
        case: what was asked, e.g. `huge: 10,000 members`.
        system: who answered, e.g. `crmgraph service` or `SQLite recursive CTE`.
        p50_ms: the median time; None for a figure that is not a latency.
        p95_ms: the 95th percentile.
        reference: whether the ratios of the case's baselines are taken against this one.
        baseline: whether this is an alternative to crmgraph, shown with its ratio to the reference.
        note: what else to say: a throughput, an answer, why a system was skipped.
    """

    workload: str
    case: str
    system: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    _: KW_ONLY
    reference: bool = False
    baseline: bool = False
    note: str = ""


@dataclass
class Results:
    """Everything a run found: figures in the order measured, answers that differed, and the machine."""

    figures: list[Figure] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)

    def add(self, figure: Figure) -> None:
        """Record a figure and print its line at once, so a long run shows progress."""
        self.figures.append(figure)
        print("  " + " | ".join(_cells(figure, self._ratio(figure))), flush=True)

    def table(self) -> list[list[str]]:
        """Return the rows of the results table, the header first."""
        return [list(HEADER)] + [_cells(figure, self._ratio(figure)) for figure in self.figures]

    def _ratio(self, figure: Figure) -> float | None:
        """Return baseline time / reference time for a baseline; None for crmgraph's own figures."""
        if not figure.baseline or figure.p50_ms is None:
            return None
        reference = next(
            (
                other
                for other in self.figures
                if other.reference and (other.workload, other.case) == (figure.workload, figure.case)
            ),
            None,
        )
        if reference is None or not reference.p50_ms:
            return None
        return figure.p50_ms / reference.p50_ms


HEADER = ("workload", "case", "system", "p50 ms", "p95 ms", "ratio", "note")


def machine() -> dict[str, str]:
    """Return the CPU model, cores, memory, operating system and Python of this machine."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _text("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory = next((line.split()[1] for line in _text("/proc/meminfo").splitlines() if line.startswith("MemTotal")), "")
    release = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in _text("/etc/os-release").splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.system(),
    )
    return {
        "CPU": cpu,
        "cores": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "RAM": f"{int(memory) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        "OS": f"{release} ({platform.system()} {platform.release()}, {platform.machine()})",
        "Python": platform.python_version(),
    }


def write_markdown(results: Results, directory: Path, started: datetime.datetime) -> Path:
    """Write the results as markdown to `directory/<timestamp>.md` and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ".gitignore").write_text("# results of make bench, not kept in git\n*\n")
    path = directory / f"{started:%Y%m%d-%H%M%S}.md"
    lines = [f"# crmgraph benchmark, {started:%Y-%m-%d %H:%M} UTC", "", "## Machine", ""]
    lines += [f"- {name}: {value}" for name, value in results.machine.items()]
    lines += ["", "## Run", ""] + [f"- {name}: {value}" for name, value in results.settings.items()]
    lines += ["", "## Results", "", "ratio: the system's p50 / crmgraph's p50 on the same case; above 1, crmgraph"]
    lines += ["is faster, below 1 the system is. In W8 the system is crmgraph's own HTTP call and the reference"]
    lines += ["its service in-process: the ratio is what HTTP adds. In W7 the reference is crmgraph's HTTP answer"]
    lines += ["under writes, against SQLite's rollup under the same writes."]
    lines += [""] + _markdown_table(results.table())
    lines += ["", "## Answers", ""]
    lines += [f"- DIFFERENT: {mismatch}" for mismatch in results.mismatches] or [
        "- every baseline's answers equal crmgraph's on every measured case"
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def print_table(results: Results) -> None:
    """Print the results table with aligned columns."""
    rows = results.table()
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADER))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _cells(figure: Figure, ratio: float | None) -> list[str]:
    return [
        figure.workload,
        figure.case,
        figure.system,
        _milliseconds(figure.p50_ms),
        _milliseconds(figure.p95_ms),
        "" if ratio is None else f"{ratio:.1f}x" if ratio >= 1 else f"{ratio:.2f}x",
        figure.note,
    ]


def _milliseconds(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:,.0f}"


def _markdown_table(rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows[1:]]


def _text(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""

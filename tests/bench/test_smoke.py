"""`make bench` on 2,000 organisations with few repetitions, so that it cannot rot unnoticed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKLOADS = (
    "W1 load",
    "memory",
    "server start",
    "W2 group rollup",
    "W3 ancestors and root",
    "W4 visibility point check",
    "W4 portfolio page",
    "W5 groups ranking",
    "W6 HTTP throughput",
    "W7 live writes",
    "W8 explorer calls",
)


def test_the_whole_bench_runs_and_every_baseline_answers_as_crmgraph_does(tmp_path):
    # Arrange: Neo4j only when someone asks for it; it would load a whole data set into their server.
    env = {name: value for name, value in os.environ.items() if name != "CRMGRAPH_NEO4J_URI"}
    command = [sys.executable, "-m", "bench", "--size", "2000", "--warmup", "1", "--repeats", "3", "--seconds", "1"]
    command += ["--live-seconds", "6"]
    command += ["--results", str(tmp_path / "results"), "--workdir", str(tmp_path / "work")]

    # Act
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    # Assert: exit code 1 would mean a baseline answered differently.
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "DIFFERENT" not in done.stdout
    written = list((tmp_path / "results").glob("*.md"))
    assert len(written) == 1
    text = written[0].read_text()
    for workload in WORKLOADS:
        assert f"| {workload} |" in text
    for system in ("crmgraph service", "crmgraph HTTP", "SQLite recursive CTE", "Python dicts"):
        assert f"| {system} |" in text
    assert "- FalkorDB: FalkorDB" in text
    assert "rows/s end to end" in text
    assert "0 errors" in text
    assert "0 errors, 0 wrong answers" in text
    assert not (tmp_path / "work").exists()

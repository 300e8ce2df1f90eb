"""`make bench`: crmgraph measured against what users would otherwise pick, on the same data, in one run.

`python -m bench --help` says how to run it. The modules, in the order a run uses them:

- :mod:`bench.data`: generate the load files and read them back into plain Python for the baselines;
- :mod:`bench.engine`: a fresh embedded engine, `crmgraph load` (W1) and `crmgraph serve` as subprocesses;
- :mod:`bench.baselines`: the same questions answered by SQLite, PostgreSQL and plain Python;
- :mod:`bench.workloads`: W2 to W6, timed after warm-up, every baseline's answers checked against ours;
- :mod:`bench.report`: the table with ratios, the machine it ran on, and the markdown file.
"""

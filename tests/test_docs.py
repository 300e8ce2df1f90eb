"""The README documents every setting, and names no setting that does not exist."""

import re
from pathlib import Path

from graph.settings import Settings

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    documented = set(re.findall(r"\| `(CRMGRAPH_[A-Z0-9_]+)` \|", README))
    defined = {f"CRMGRAPH_{name.upper()}" for name in Settings.model_fields}

    assert defined - documented == set(), "add these to the README's configuration table"
    assert documented - defined == set(), "the README documents settings that do not exist"


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```")[1]

    assert "make run" in first_block and "make test" in first_block

"""Load files of the four kinds whose link has a period, for the tests of the rule that it ends after it starts."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from graph.store import Store
from tests.loading.helpers import rows, write

# The nodes every period kind's rows refer to.
BASE_FILES = {
    "organisations.csv": "key,name\nORG-A,Alpha\nORG-B,Beta\n",
    "contacts.csv": "key,last_name\nCON-1,Meier\n",
    "territories.csv": "key,name\nNORTH,North\n",
    "users.csv": "key,name,role\nanna,Anna,rep\nben,Ben,rep\n",
}
START, END = datetime.date(2024, 2, 1), datetime.date(2024, 1, 31)


@dataclass(frozen=True)
class PeriodKind:
    """A kind of link with a period: its file's columns, one link's two ends, and how to read the links back."""

    kind: str
    ends: tuple[str, str]  # the key columns of the link's two ends
    keys: tuple[str, str]  # the keys of one link's ends, among the base files' nodes
    start: str
    end: str
    pattern: str  # the links, as `(a)-[r]->(b)` with the ends' labels

    def file(self, first: datetime.date | None, last: datetime.date | None) -> str:
        """Return a load file of one link between `keys`, from `first` to `last`."""
        header = ",".join((*self.ends, self.start, self.end))
        values = (*self.keys, *(day.isoformat() if day else "" for day in (first, last)))
        return f"{header}\n{','.join(values)}\n"

    def backwards_reason(self) -> str:
        """Return the reason a row that ends (END) the day before it starts (START) is rejected with."""
        return f"{END.isoformat()} is before {self.start} {START.isoformat()}"

    async def stored(self, store: Store) -> set[tuple[str, str, datetime.date | None, datetime.date | None]]:
        """Return every link of this kind as (key, key, start, end)."""
        text = f"MATCH {self.pattern} RETURN a.key AS a, b.key AS b, r.`{self.start}` AS first, r.`{self.end}` AS last"
        found = await rows(store, text, days=("first", "last"))
        return {(row["a"], row["b"], row["first"], row["last"]) for row in found}


PERIOD_KINDS = [
    PeriodKind(
        "employments",
        ("contact_key", "organisation_key"),
        ("CON-1", "ORG-A"),
        "since",
        "until",
        "(a:Contact)-[r:WORKS_AT]->(b:Organisation)",
    ),
    PeriodKind(
        "supplies",
        ("supplier_key", "customer_key"),
        ("ORG-A", "ORG-B"),
        "since",
        "until",
        "(a:Organisation)-[r:SUPPLIES]->(b:Organisation)",
    ),
    PeriodKind(
        "user_territories",
        ("user_key", "territory_key"),
        ("anna", "NORTH"),
        "valid_from",
        "valid_to",
        "(a:User)-[r:ASSIGNED_TO]->(b:Territory)",
    ),
    PeriodKind(
        "substitutes",
        ("user_key", "substitutes_for"),
        ("anna", "ben"),
        "valid_from",
        "valid_to",
        "(a:User)-[r:SUBSTITUTES]->(b:User)",
    ),
]


def write_base(directory: Path) -> Path:
    """Write the base files into `directory` (made if needed) and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in BASE_FILES.items():
        write(directory, name, text)
    return directory

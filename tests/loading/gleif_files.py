"""Small hand-written GLEIF RR-CDF CSV files for the tests, and where the real extracts are."""

import csv
import io
from pathlib import Path

from graph.loading import gleif

# The real extracts, beside the repository (never copied into it): ../shared/gleif-rr/.
REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "gleif-rr"
LARGE = REAL / "20260123-0800-gleif-goldencopy-rr-golden-copy-subset-large.csv"
SMALL = REAL / "20260123-0800-gleif-goldencopy-rr-orestudio-small-extract.csv"

COLUMNS = [
    gleif.START,
    gleif.START_TYPE,
    gleif.END,
    gleif.END_TYPE,
    gleif.TYPE,
    gleif.STATUS,
    *(f"Relationship.Period.{n}.{part}" for n in (1, 2) for part in ("startDate", "endDate", "periodType")),
    *(f"Relationship.Quantifiers.1.{part}" for part in ("MeasurementMethod", "QuantifierAmount", "QuantifierUnits")),
    gleif.LAST_UPDATE,
]

# Twenty-character LEIs: [A-Z0-9]{18}[0-9]{2}.
HOLDING = "HOLDING0000000000001"
SUB = "SUBSIDIARY0000000002"
BRANCH = "BRANCH00000000000003"
FUND = "FUND0000000000000004"
MANAGER = "MANAGER0000000000005"


def rr(start: str, end: str, kind: str = "IS_DIRECTLY_CONSOLIDATED_BY", status: str = "ACTIVE", **cells: str) -> dict:
    """Return one GLEIF row; `cells` by short name: p1_start, p1_end, p1_type, p2_…, share, units, updated."""
    names = {
        "p1_start": "Relationship.Period.1.startDate",
        "p1_end": "Relationship.Period.1.endDate",
        "p1_type": "Relationship.Period.1.periodType",
        "p2_start": "Relationship.Period.2.startDate",
        "p2_end": "Relationship.Period.2.endDate",
        "p2_type": "Relationship.Period.2.periodType",
        "method": "Relationship.Quantifiers.1.MeasurementMethod",
        "share": "Relationship.Quantifiers.1.QuantifierAmount",
        "units": "Relationship.Quantifiers.1.QuantifierUnits",
        "updated": gleif.LAST_UPDATE,
    }
    row = {gleif.START: start, gleif.START_TYPE: "LEI", gleif.END: end, gleif.END_TYPE: "LEI"}
    row |= {gleif.TYPE: kind, gleif.STATUS: status}
    row |= {names[name]: value for name, value in cells.items()}
    return row


def write_rr(directory: Path, rows: list[dict], name: str = "rr.csv", columns: list[str] = COLUMNS) -> Path:
    """Write GLEIF rows as a Golden Copy CSV with `columns`; return its path. Row n is on line n + 1."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = directory / name
    path.write_text(text.getvalue(), encoding="utf-8")
    return path

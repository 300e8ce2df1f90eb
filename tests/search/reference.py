"""A plain-Python reference of the search rules of docs/search.md, sharing no code with graph/search.py."""

from dataclasses import dataclass

TIERS = {"key": 0, "vat_id": 1, "name": 2, "words": 2}


@dataclass(frozen=True)
class Organisation:
    """What a search looks at."""

    key: str
    name: str
    country: str | None
    vat_id: str | None


def word_list(text: str) -> list[str]:
    """The case-folded runs of letters and digits of `text`, one character at a time."""
    found, current = [], ""
    for character in text.casefold():
        if character.isalnum():
            current += character
        elif current:
            found.append(current)
            current = ""
    return [*found, current] if current else found


def vat(text: str) -> str:
    return "".join(c for c in text if not (c.isspace() or c in ".-")).upper()


def match(organisation: Organisation, q: str | None, country: str | None) -> tuple[bool, str | None]:
    """Whether the organisation matches, and the best way (None when only a country was asked)."""
    if country and organisation.country != country.upper():
        return False, None
    text = (q or "").strip()
    if not text:
        return True, None
    if organisation.key == text:
        return True, "key"
    if organisation.vat_id and vat(text) and vat(organisation.vat_id) == vat(text):
        return True, "vat_id"
    if organisation.name.casefold().startswith(text.casefold()):
        return True, "name"
    terms, names = word_list(text), word_list(organisation.name)
    if terms and all(any(word.startswith(term) for word in names) for term in terms):
        return True, "words"
    return False, None


def search(organisations: list[Organisation], q: str | None, country: str | None, seen: set[str]) -> list:
    """Every (key, match) the search answers, in order."""
    found = []
    for organisation in organisations:
        matched, how = match(organisation, q, country)
        if matched and organisation.key in seen:
            found.append(((TIERS.get(how, 2), organisation.name.casefold(), organisation.key), how))
    return [(position[2], how) for position, how in sorted(found)]

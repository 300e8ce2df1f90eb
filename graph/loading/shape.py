"""The shape of a kind's rows: how a record's values become a query row, an identity and a bulk insertion.

A :class:`Shape` is computed once per file from the kind's columns (:mod:`graph.loading.kinds`); the
row format the queries receive is described in :mod:`graph.loading.loader`.
"""

import operator
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.loading.convert import converter
from graph.loading.kinds import Column, Kind, key_property
from graph.schema import FieldSpec, relationship_type
from graph.store import End, Insertion


def picker(columns: Sequence[str]) -> Callable[[Mapping[str, Any]], tuple]:
    """Return a function that picks the values of `columns` from a row's values, as a tuple, in C."""
    if len(columns) == 1:
        (column,) = columns
        return lambda values: (values[column],)
    return operator.itemgetter(*columns)


@dataclass(frozen=True)
class Property:
    """A column that fills a stored property, as the query row carries it."""

    column: str
    name: str
    default: Any


@dataclass(frozen=True)
class Shape:
    """How a kind's records become coerced values and query rows; computed once per file."""

    kind: Kind
    specs: dict[str, FieldSpec]
    converters: tuple[tuple[str, Callable[[Any], Any]], ...]
    references: tuple[Column, ...]
    plain_references: tuple[str, ...]
    properties: tuple[Property, ...]
    key_column: str | None
    key_property: str | None
    refers_to_itself: bool
    list_columns: frozenset[str]
    identity_columns: frozenset[str]
    identity_of: Callable[[Mapping[str, Any]], tuple]  # a row's values -> its identity
    stored: tuple[Property, ...]  # what a bulk-inserted row stores besides a node's key, in order
    inserted: Callable[[Mapping[str, Any]], Sequence[Any]] | None  # a row's values -> its insertion's row

    @classmethod
    def of(cls, kind: Kind) -> "Shape":
        """Return the shape of `kind`."""
        key = key_property(kind.node) if kind.node is not None else None
        properties = tuple(
            Property(column.name, column.fills, column.spec.default) for column in kind.columns if column.fills
        )
        specs = kind.specs
        stored = tuple(prop for prop in properties if prop.name != key)
        if kind.node is not None:
            inserted_columns = [prop.column for prop in properties if prop.name == key]
        else:
            inserted_columns = list(kind.insert.ends if kind.insert and kind.insert.ends else ())
        inserted_columns += [prop.column for prop in stored]
        return cls(
            kind=kind,
            specs=specs,
            converters=tuple((name, converter(spec)) for name, spec in specs.items()),
            references=kind.references,
            plain_references=tuple(column.name for column in kind.references if not column.fills),
            properties=properties,
            key_column=next((prop.column for prop in properties if prop.name == key), None),
            key_property=key,
            refers_to_itself=any(kind.node in column.refers_to for column in kind.references),
            list_columns=frozenset(name for name, spec in specs.items() if spec.kind == "list"),
            identity_columns=frozenset(kind.identity),
            identity_of=picker(kind.identity),
            stored=stored,
            inserted=picker(inserted_columns) if kind.insert is not None else None,
        )

    def insertion(self) -> Insertion | None:
        """Return what a bulk insert of the kind creates, or None for a kind always written with its queries."""
        kind, insert = self.kind, self.kind.insert
        if insert is None:
            return None
        names = tuple(prop.name for prop in self.stored)
        if kind.node is not None:
            assert self.key_property is not None
            return Insertion(kind.node.__label__, (self.key_property, *names), insert.stored)
        assert kind.relationship is not None and insert.ends is not None
        source, target = (self._end(name) for name in insert.ends)
        return Insertion(relationship_type(kind.relationship), names, insert.stored, source, target)

    def _end(self, column_name: str) -> End:
        (cls,) = next(column for column in self.kind.columns if column.name == column_name).refers_to
        return End(cls.__label__, key_property(cls))

    def param(self, line: int, values: Mapping[str, Any], given: Container[str]) -> dict[str, Any]:
        """Return the query row for the values of the row on `line`, whose record gave the columns `given`.

        A column the record left out is not set, so the stored value stays;
        its default goes to `defaults`, which only a new node or link takes.
        """
        props: dict[str, Any] = {}
        clears: list[dict[str, None]] = []
        defaults: dict[str, Any] = {}
        for prop in self.properties:
            if prop.column in given:
                value = values[prop.column]
                if value is None:
                    clears.append({prop.name: None})
                else:
                    props[prop.name] = value
            elif prop.default is not None:
                defaults[prop.name] = prop.default
        props.update(self.kind.fixed)
        row = {"i": line, "props": props, "clears": clears, "defaults": defaults}
        for name in self.plain_references:
            if name in given or values[name] is not None:
                row[name] = values[name]
        if self.key_property is not None:
            row["key"] = props.pop(self.key_property)  # MERGE sets it
        return row

    def fingerprint(self, values: Mapping[str, Any], given: Container[str]) -> int:
        """Return a hash of what a row would store: the columns its record gave, and every coerced value.

        A column the record left out holds its default (or None) in every row,
        so it tells rows apart only through the columns given.
        """
        given = frozenset(given)  # the same set when it is one (a CSV file's header)
        if self.kind.attribution is not None and not self.identity_columns <= given:
            given |= self.identity_columns  # an attributed identity counts as given, however it was found
        cells: Any = values.values()
        if self.list_columns:
            cells = (tuple(value) if type(value) is list else value for value in cells)
        return hash((given, tuple(cells)))

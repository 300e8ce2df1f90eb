"""The bases of the API's models: one read from a service's answer, and those derived from the schema classes."""

import datetime
from typing import Any

from neomodel import StructuredNode
from pydantic import AliasGenerator, AliasPath, BaseModel, ConfigDict, create_model

from graph.schema.fields import FieldSpec, fields_of


class FromService(BaseModel):
    """A public model read from the attributes of the service's answer of the same shape: `Model.model_validate(x)`."""

    model_config = ConfigDict(from_attributes=True)


def read_in_parts(**parts: type[BaseModel]) -> ConfigDict:
    """Return the config of a model that reads the fields it has from each of `parts`' models in the answer's
    attribute of that name: with `person=PersonPublic`, `key` is read from `answer.person.key`.

    Only validation reads there: the schema and the JSON keep the field names.
    """
    part_of = {name: part for part, model in parts.items() for name in model.model_fields}

    def path(name: str) -> AliasPath | None:
        return AliasPath(part_of[name], name) if name in part_of else None

    return ConfigDict(from_attributes=True, alias_generator=AliasGenerator(validation_alias=path))


class Overlay:
    """An answer's attributes with some given instead, for a model whose field the answer holds in another shape."""

    __slots__ = ("_answer", "_given")

    def __init__(self, answer: object, **given: Any) -> None:
        self._answer = answer
        self._given = given

    def __getattr__(self, name: str) -> Any:
        return self._given[name] if name in self._given else getattr(self._answer, name)


# The JSON type of each kind of schema property (see graph.schema.fields.KINDS).
_TYPES: dict[str, Any] = {
    "key": str,
    "string": str,
    "choice": str,
    "pattern": str,
    "country": str,
    "period": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "date": datetime.date,
}


def _type(spec: FieldSpec) -> Any:
    if spec.kind == "list":
        return list[_type(spec.item)]
    return _TYPES[spec.kind]


def properties_model(cls: type[StructuredNode], name: str) -> type[BaseModel]:
    """Return a pydantic model with a field for each stored property of `cls`; optional ones default to None."""
    fields: dict[str, Any] = {
        spec.name: (_type(spec), ...) if spec.required else (_type(spec) | None, None)
        for spec in fields_of(cls).values()
    }
    return create_model(name, __doc__=f"The stored properties of {cls.__name__} (see docs/load-files.md).", **fields)

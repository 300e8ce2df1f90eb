"""The bases of the API's models: one read from a service's answer, and those derived from the schema classes."""

import datetime
from typing import Any

from neomodel import StructuredNode
from pydantic import BaseModel, ConfigDict, create_model

from graph.schema.fields import FieldSpec, fields_of


class FromService(BaseModel):
    """A public model read from the attributes of the service's answer of the same shape: `Model.model_validate(x)`."""

    model_config = ConfigDict(from_attributes=True)


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

"""The contract read as data: every key of a model with its label, help, kind and markers.

The proposal form and its reader, the ``new`` draft, the exports and their CSV columns, the web
editor and the practice page walk these keys instead of keeping lists of their own, so a key added
to the model in contract.py reaches all of them.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from annotated_types import MaxLen
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from catalogo.content.contract import (
    After,
    Automatic,
    Item,
    Place,
    Variant,
    Vocab,
    _check_email,
    _check_phone,
    _check_url,
)

# A text longer than this gets a multi-line box (the issue forms, the web editor).
LONG_TEXT = 300
Kind = Literal["text", "url", "email", "phone", "integer", "number", "mixed", "date", "boolean", "choice", "group"]
_FORMATS = {_check_url: "url", _check_email: "email", _check_phone: "phone"}


@dataclass(frozen=True)
class Key:
    """One key of a model: a value, a group of keys, or a list of either."""

    name: str
    path: str  # dotted from the model's root: 'risorse.costo_euro'
    label: str
    help: str
    required: bool
    kind: Kind  # of the value, or of each item of a list
    many: bool = False  # a list
    vocabulary: str | None = None  # the vocabulary of content/vocabolari.yml its values come from
    territory: str | None = None  # 'comune', 'ambito' or 'territorio' (Place)
    singular: str = ""  # one item of a list, as buttons name it
    max_length: int | None = None
    children: tuple[Key, ...] = ()  # a group's keys (each item's, for a list of groups)
    variants: tuple[tuple[str, Key], ...] = ()  # a list of two kinds of item: (label, the kind's key)
    automatic: bool = False  # filled in by the tools, never asked
    after: str | None = None  # a derived key of the export: the key it follows ('' for the first)

    @property
    def label_singular(self) -> str:
        return self.singular or self.label

    def walk(self) -> Iterator[Key]:
        """This key and every key inside it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


def _metadata(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under Annotated wrappers, and their metadata, outer first."""
    found: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *more = typing.get_args(annotation)
        for m in more:  # a Field(...) inside Annotated carries its constraints as metadata of its own
            found += m.metadata if isinstance(m, FieldInfo) else [m]
    return annotation, found


def _members(annotation: Any) -> list[Any]:
    """The branches of a union, without None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _scalar_kind(base: Any, metadata: list[Any]) -> Kind:
    for m in metadata:
        if isinstance(m, AfterValidator) and m.func in _FORMATS:
            return _FORMATS[m.func]  # type: ignore[return-value]
    if base is bool:
        return "boolean"
    if base is int:
        return "integer"
    if base is float:
        return "number"
    if base is dt.date:
        return "date"
    if typing.get_origin(base) is typing.Literal:
        return "choice"
    return "text"


def _max_length(metadata: list[Any]) -> int | None:
    return next((m.max_length for m in metadata if isinstance(m, MaxLen)), None)


def _describe(name: str, path: str, field: FieldInfo) -> Key:
    outer, metadata = _metadata(field.annotation)
    metadata = list(field.metadata) + metadata
    members = _members(outer)
    if len(members) == 1:  # an optional key: the value's own type and markers
        outer, more = _metadata(members[0])
        metadata += more
    many = typing.get_origin(outer) is tuple
    if many:
        item, item_metadata = _metadata(typing.get_args(outer)[0])
    else:
        item, item_metadata = outer, []
    every = metadata + item_metadata
    vocab = next((m for m in every if isinstance(m, Vocab)), None)
    place = next((m for m in every if isinstance(m, Place)), None)
    item_marker = next((m for m in every if isinstance(m, Item)), None)
    after = next((m for m in every if isinstance(m, After)), None)
    common: dict[str, Any] = {
        "name": name,
        "path": path,
        "label": field.title or name,
        "help": field.description or "",
        "required": field.is_required(),
        "many": many,
        "vocabulary": vocab.name if vocab else None,
        "territory": place.kind if place else None,
        "singular": item_marker.singular if item_marker else "",
        "automatic": any(isinstance(m, Automatic) for m in every),
        "after": after.key if after else None,
    }
    branches = _members(item)
    if any(isinstance(m, Variant) for b in branches for m in _metadata(b)[1]):  # a sentence or a measure
        variants = []
        for branch in branches:
            base, branch_metadata = _metadata(branch)
            label = next(m.label for m in branch_metadata if isinstance(m, Variant))
            variants.append((label, _value_key(name, path, base, branch_metadata)))
        return Key(kind="mixed", variants=tuple(variants), **common)
    base, more = _metadata(item)
    if isinstance(base, type) and issubclass(base, BaseModel):
        return Key(kind="group", children=keys_of(base, path), **common)
    high = _max_length(every + more)
    mixed = len(_members(base)) > 1  # a measure's value: a number or a text
    return Key(kind="mixed" if mixed else _scalar_kind(base, every + more), max_length=high, **common)


def _value_key(name: str, path: str, base: Any, metadata: list[Any]) -> Key:
    """The key of one kind of item of a two-kind list."""
    if isinstance(base, type) and issubclass(base, BaseModel):
        return Key(name, path, name, "", True, "group", children=keys_of(base, path))
    high = _max_length(metadata + _metadata(base)[1])
    return Key(name, path, name, "", True, _scalar_kind(_metadata(base)[0], metadata), max_length=high)


@cache
def keys_of(model: type[BaseModel], prefix: str = "") -> tuple[Key, ...]:
    """Every key of ``model`` in the contract's order (the order of the files and the forms); a
    derived key of an export model right after the key its ``After`` names (the records and the
    CSV keep each derived value beside the key it comes from)."""
    keys = [
        _describe(name, f"{prefix}.{name}" if prefix else name, field) for name, field in model.model_fields.items()
    ]
    placed = [k for k in keys if k.after is None]
    waiting = [k for k in keys if k.after is not None]
    while waiting:
        names = [k.name for k in placed]
        ready = next((k for k in waiting if k.after == "" or k.after in names), None)
        if ready is None:
            raise ValueError(f"After() names no key of {model.__name__}: {[k.after for k in waiting]}")
        placed.insert(0 if not ready.after else names.index(ready.after) + 1, ready)
        waiting.remove(ready)
    return tuple(placed)


def key_at(model: type[BaseModel], path: str) -> Key:
    """The key at a dotted path: 'risorse.costo_euro'."""
    found = {k.path: k for top in keys_of(model) for k in top.walk()}
    return found[path]


def vocabulary_of(model: type[BaseModel]) -> dict[str, str]:
    """Each key path that takes a vocabulary's values -> the vocabulary's name."""
    return {k.path: k.vocabulary for top in keys_of(model) for k in top.walk() if k.vocabulary}

"""Keeping the valid items of an answer whose other items fail validation.

A small model often gets most of an answer right and one item wrong: a figure whose quote is not
in its event, an action with a duration nobody stated. Re-asking at temperature 0 tends to bring
the same item back, and rejecting the whole answer throws away every item that passed. Salvage
validates the answer's list items one by one, with the same validators and context, and keeps the
answer made of the items that pass; each dropped item is named with its validator's reason. No
item is repaired or rewritten: what is kept passed every check an accepted answer passes.
"""

from __future__ import annotations

import json
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def _item_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a ``list[SomeModel]`` field, else None."""
    if typing.get_origin(annotation) is not list:
        return None
    (item,) = typing.get_args(annotation) or (None,)
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def salvage(raw: str, model: type[M], context: dict[str, Any] | None) -> tuple[M, list[str]] | None:
    """``model`` built from the valid items of the JSON answer ``raw``, and why each other one went.

    None when ``raw`` is not a JSON object, when no list item survives, or when the answer stays
    invalid without its invalid items (a broken field that is not a list item).
    """
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    kept: dict[str, Any] = dict(data)
    dropped: list[str] = []
    survivors = 0
    for name, field in model.model_fields.items():
        item_model = _item_model(field.annotation)
        items = data.get(name)
        if item_model is None or not isinstance(items, list):
            continue
        good = []
        for index, item in enumerate(items):
            try:
                item_model.model_validate(item, context=context)
            except ValidationError as exc:
                problem = exc.errors()[0]
                where = ".".join(str(part) for part in (name, index, *problem["loc"]))
                dropped.append(f"{where}: {problem['msg']}")
            else:
                good.append(item)
        kept[name] = good
        survivors += len(good)
    if not dropped or not survivors:
        return None
    try:
        return model.model_validate(kept, context=context), dropped
    except ValidationError:
        return None

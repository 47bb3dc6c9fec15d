"""Bokeh's property defaults, worked out once a process instead of at every read, and no
model built only to be thrown away.

A Bokeh model answers a property it was not given by working its default out afresh: the
class's overridden defaults gathered along its MRO, a copy of the raw default, a validation.
Every walk of a document reads every property of every model (its references, its JSON), and
a session is walked about six times between its build and its first message: two fifths of
the server's CPU for a session went there (py-spy on `panel serve app`). For a default that is
a plain immutable value (None, a number, a string, a tuple of those), the answer is the same
each time for a class and a property, so it is kept; an empty list, dict or set is made anew
for each model, of the kind Bokeh makes, without the copy and the check; a themed value, a
default made by a function, any other container or a model is still worked out by Bokeh.

And a model given another model for a property whose default is a model (a source's
selection, a renderer's view) first built that default, to compare the new value with it and
to tell the property's listeners, of which a model being built has none: a hundred models a
session made and dropped. While a model is built, such a property is now set directly.

The same holds for three more answers Bokeh works out afresh for each model: whether a
property's default must be made for each model (asked for every property of every model
built, through the property's whole type: a fifth of a session's build), the theme's values
for a model (an AttributeError raised and caught twice a model when there are none), and the
walk of a document's references (a module import at each value visited). And each page sent
asked every model class of the process for its scripts and stylesheets (a tenth of a
session's CPU, Panel's classes being many): the answer is kept while no class is added.

Installed by the server (app_hooks.py); tests/unit/test_page.py checks that the documents it
builds serialize exactly as without it.
"""

from __future__ import annotations

from typing import Any

import bokeh.model.util
from bokeh.core.has_props import HasProps
from bokeh.core.property.descriptors import PropertyDescriptor
from bokeh.core.property.instance import InstanceDefault
from bokeh.core.property.singletons import Undefined
from bokeh.core.property.wrappers import (
    PropertyValueColumnData,
    PropertyValueContainer,
    PropertyValueDict,
    PropertyValueList,
    PropertyValueSet,
)
from bokeh.model import Model
from bokeh.resources import Resources
from bokeh.util.dataclasses import entries, is_dataclass

IMMUTABLE = (type(None), bool, int, float, str)
_MISSING = object()
# Mutable defaults Bokeh makes anew for each model: the empty ones, as its wrapped kinds.
EMPTY_KINDS = (
    list, dict, set, PropertyValueList, PropertyValueDict, PropertyValueSet,
    PropertyValueColumnData,
)  # fmt: skip
_kept: dict[tuple[type, str], Any] = {}  # immutable defaults, by class and property
_empty: dict[tuple[type, str], tuple[type, bool]] = {}  # an empty mutable default's kind
_model_defaults: dict[tuple[type, str], bool] = {}  # whether a property's default is a model
_unstable: dict[tuple[type, str], bool] = {}  # whether a default is made for each model
_bokeh_get_default = PropertyDescriptor._get_default
_bokeh_set = PropertyDescriptor.__set__
_bokeh_has_unstable_default = PropertyDescriptor.has_unstable_default
_bokeh_themed_values = HasProps.themed_values
_bokeh_apply_theme = HasProps.apply_theme
_bokeh_visit = bokeh.model.util.visit_value_and_its_immediate_references
_bokeh_collect = Resources._collect_external_resources
_collected: dict[tuple[str, str, int], list[str]] = {}  # a page's scripts and stylesheets


def _immutable(value: object) -> bool:
    if type(value) is tuple:
        return all(_immutable(item) for item in value)
    return type(value) in IMMUTABLE


def _get_default(self: PropertyDescriptor, obj: HasProps) -> Any:
    # A theme's value for this model comes first (HasProps.themed_values, without the
    # AttributeError that getattr raises and catches for each unthemed model).
    themed = obj.__dict__.get("__themed_values__")
    if themed is not None and self.name in themed:
        return _bokeh_get_default(self, obj)
    made = obj._unstable_default_values  # a list, a dict or a model made for this one before
    if self.name in made:
        return made[self.name]
    key = (type(obj), self.name)
    default = _kept.get(key, _MISSING)
    if default is not _MISSING:
        return default
    kind, unstable = _empty.get(key, (None, False))
    if kind is not None:  # Bokeh's copy, check and wrapping of an empty default, at once
        default = kind()
        if unstable:  # kept with the model, as Bokeh keeps it
            made[self.name] = default
            if isinstance(default, PropertyValueContainer):
                default._register_owner(obj, self)
        return default
    default = _bokeh_get_default(self, obj)
    unstable = self.has_unstable_default(obj)
    if not unstable and _immutable(default):
        _kept[key] = default
    elif type(default) in EMPTY_KINDS and not default and not callable(_raw(self, type(obj))):
        _empty[key] = (type(default), unstable)
    return default


def _raw(self: PropertyDescriptor, cls: type[HasProps]) -> Any:
    return cls._overridden_defaults().get(self.name, self.property._default)


def _default_is_a_model(self: PropertyDescriptor, cls: type[HasProps]) -> bool:
    key = (cls, self.name)
    if key not in _model_defaults:
        _model_defaults[key] = isinstance(_raw(self, cls), InstanceDefault)
    return _model_defaults[key]


def _set(self: PropertyDescriptor, obj: HasProps, value: Any, *, setter: Any = None) -> None:
    # Bokeh's __set__ reads the old value first; unset, a model-valued default is built for it.
    given = obj.__dict__.get("_property_values")  # none before HasProps.__init__: Bokeh says so
    if (
        given is None
        or obj.__dict__.get("_initialized", False)
        or self.name in given
        or not _default_is_a_model(self, type(obj))
    ):
        return _bokeh_set(self, obj, value, setter=setter)
    self._set(obj, Undefined, self.property.prepare_value(obj, self.name, value), setter=setter)


def _has_unstable_default(self: PropertyDescriptor, obj: HasProps) -> bool:
    # The property's type and the class's overridden default decide it: the same for a class.
    key = (type(obj), self.name)
    unstable = _unstable.get(key)
    if unstable is None:
        unstable = _unstable[key] = _bokeh_has_unstable_default(self, obj)
    return unstable


def _themed_values(self: HasProps) -> dict[str, Any] | None:
    return self.__dict__.get("__themed_values__")  # where HasProps.apply_theme puts them


def _apply_theme(self: HasProps, property_values: dict[str, Any]) -> None:
    # No theme values for this class and none kept: Bokeh's own would change nothing.
    if property_values or "__themed_values__" in self.__dict__:
        _bokeh_apply_theme(self, property_values)


def _visit(obj: Any, visitor: Any) -> None:
    """bokeh.model.util.visit_value_and_its_immediate_references, in the same order, without
    importing Model at each value (a source's arrays included)."""
    kind = type(obj)
    if kind is int or kind is float or kind is str:
        return
    if kind is list or issubclass(kind, (list, tuple)):
        for item in obj:
            _visit(item, visitor)
    elif issubclass(kind, dict):
        for key, value in obj.items():
            _visit(key, visitor)
            _visit(value, visitor)
    elif issubclass(kind, HasProps):
        if issubclass(kind, Model):
            visitor(obj)
        else:
            bokeh.model.util.visit_immediate_value_references(obj, visitor)
    elif is_dataclass(obj):
        for _, value in entries(obj):
            _visit(value, visitor)


def _collect_external_resources(self: Resources, resource_attr: Any) -> list[str]:
    # Bokeh reads the attribute of every model class known; Panel's answers vary with the
    # mode its resources are asked in.
    key = (resource_attr, self.mode, len(Model.model_class_reverse_map))
    if key not in _collected:
        _collected[key] = _bokeh_collect(self, resource_attr)
    return list(_collected[key])


# What this module replaces: (owner, attribute, this module's function).
REPLACED = (
    (PropertyDescriptor, "_get_default", _get_default),
    (PropertyDescriptor, "__set__", _set),
    (PropertyDescriptor, "has_unstable_default", _has_unstable_default),
    (HasProps, "themed_values", _themed_values),
    (HasProps, "apply_theme", _apply_theme),
    (bokeh.model.util, "visit_value_and_its_immediate_references", _visit),
    (Resources, "_collect_external_resources", _collect_external_resources),
)
BOKEHS = {(owner, name): getattr(owner, name) for owner, name, _ in REPLACED}


def remember_defaults() -> None:
    """Makes every Bokeh model of this process keep its classes' immutable defaults and build
    no default model that it is given another for; and Bokeh keep its other per-class answers
    (above)."""
    for owner, name, ours in REPLACED:
        setattr(owner, name, ours)


def forget_defaults() -> None:
    """Bokeh's own way again (for a test that compares the two)."""
    for owner, name, _ in REPLACED:
        setattr(owner, name, BOKEHS[owner, name])
    _collected.clear()
    _unstable.clear()

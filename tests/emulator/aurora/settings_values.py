"""How Aurora's settings objects read, cast and write values (the framework's AbstractSettings, described in
../shared/aurora-settings.md §1 and §4; this module follows its behaviour, not its code).

A settings file is a JSON object of ``"Name": [value, type, spec, description]``.  Reading it (ParseData): the type
slot wins over the module's own type; "int"/"integer" and "bool"/"boolean" are PHP casts ("false" -> true); a "spec"
value is an enum *name*, turned into the enum's value, and a name the enum does not have drops the key (its default
applies); an unknown type drops the key too.  Writing a value into a loaded object (SetValue): an existing key is cast
to its stored type, a new key takes PHP's gettype() name ("boolean", "integer", ...); a "spec" value must be one of the
enum's values, strictly, or it becomes null and is written as "".  Saving (GetData): spec values go back to names.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .php import php_gettype, php_int, php_json_decode, php_str, php_truthy
from .settings_schema import ENUMS


@dataclass
class Prop:
    """One key of a loaded settings object (the framework's SettingsProperty)."""
    value: object
    type: str
    spec: str | None = None
    description: str = ""
    is_default: bool = True

    def slots(self):
        """The 4 slots the file holds: a spec value as its enum name."""
        value = enum_name(self.value, self.spec) if self.type == "spec" else self.value
        return [value, self.type, self.spec if self.type == "spec" else None, self.description]


def strictly_equal(left, right):
    """PHP ``===`` for decoded JSON values (1 !== true, 1 !== "1")."""
    return type(left) is type(right) and left == right


def enum_value(value, spec):
    """EnumConvert::validate: ``value`` when it is one of the enum's values (strictly), else None."""
    values = ENUMS.get(spec, {}).values() if isinstance(spec, str) else ()
    return value if any(strictly_equal(value, known) for known in values) else None


def enum_name(value, spec):
    """EnumConvert::ToXml: the name of the enum's value ``value``, or ""."""
    names = ENUMS.get(spec, {}) if isinstance(spec, str) else {}
    return next((name for name, known in names.items() if strictly_equal(value, known)), "")


def enum_from_name(name, spec):
    """EnumConvert::FromXml (then validate): the value of the enum's name ``name``, or None."""
    names = ENUMS.get(spec, {}) if isinstance(spec, str) else {}
    return names.get(name) if isinstance(name, str) else None


def php_index(array, position):
    """``$array[position]`` of a decoded JSON array or object; None when unset."""
    if isinstance(array, list):
        return array[position] if position < len(array) else None
    return array.get(str(position))


def cast(value, kind, spec=None):
    """``(kind, value)`` after the cast of a key of type ``kind``, or ``(kind, None)`` when the key is dropped."""
    if kind == "string":
        return kind, php_str(value)
    if kind in ("int", "integer"):
        return kind, php_int(value)
    if kind in ("bool", "boolean"):
        return kind, php_truthy(value)
    if kind == "array":
        return kind, value
    return kind, None


def parse_file_data(data):
    """ParseData: {name: Prop} of a decoded settings file (a JSON object); keys it cannot read are left out."""
    parsed = {}
    if not isinstance(data, dict):
        return parsed
    data = dict(data)
    for name in list(data):
        if name not in data or data[name] is None:
            continue
        raw = data[name]
        spec, description = None, ""
        if isinstance(raw, (list, dict)):
            kind = php_index(raw, 1)
            if kind is None:
                kind = php_gettype(php_index(raw, 0)) if php_index(raw, 0) is not None else "string"
            spec = php_index(raw, 2)
            description = php_index(raw, 3) if php_index(raw, 3) is not None else ""
            value = php_index(raw, 0) if php_index(raw, 0) is not None else ""
            legacy = data.pop(name + "_Description", None)  # the older layout: the description as its own key
            if isinstance(legacy, (list, dict)) and php_index(legacy, 0) is not None:
                description = php_index(legacy, 0)
        else:
            kind, value = php_gettype(raw), raw
        if kind == "spec":
            value = enum_from_name(value, spec)
        elif isinstance(kind, str):
            kind, value = cast(value, kind)
            kind = {"integer": "int", "boolean": "bool"}.get(kind, kind)
        else:
            value = None
        if value is not None:
            parsed[name] = Prop(value, kind, spec, description, is_default=False)
    return parsed


def set_value(container, name, value):
    """SetValue: cast ``value`` into ``container[name]`` (a new key gets gettype()'s name); returns False, as it."""
    if name not in container:
        container[name] = Prop(value, php_gettype(value))
    prop = container[name]
    if prop.type == "spec":
        prop.value = enum_value(value, prop.spec)
    elif prop.type == "array" and isinstance(value, dict) and list(value) == [str(i) for i in range(len(value))]:
        prop.value = list(value.values())  # a list-shaped array is re-indexed
    else:
        prop.value = cast(value, prop.type)[1]
    prop.is_default = False
    return False


def file_data(container):
    """GetData: the JSON object a save writes."""
    return {name: prop.slots() for name, prop in container.items()}


def aurora_json(data):
    """json_encode(..., JSON_PRETTY_PRINT): 4-space indent, "/" escaped, non-ASCII as \\uXXXX; [] for an empty map."""
    text = json.dumps(_empty_maps_as_lists(data), indent=4, ensure_ascii=True)
    return text.replace("/", "\\/")  # "/" only occurs inside JSON strings


def _empty_maps_as_lists(value):
    if isinstance(value, dict):
        return {key: _empty_maps_as_lists(item) for key, item in value.items()} if value else []
    if isinstance(value, list):
        return [_empty_maps_as_lists(item) for item in value]
    return value


def decode_file(text):
    """json_decode($text, true) of a file's text; None when it is missing or not JSON."""
    if text is None:
        return None
    try:
        return php_json_decode(text)
    except ValueError:
        return None

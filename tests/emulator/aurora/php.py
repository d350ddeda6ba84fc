"""PHP's view of decoded JSON values: casts, truthiness, strict comparisons and json_decode()."""
import json
import re


def php_str(value):
    """The string PHP makes of a decoded JSON value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return "Array"
    return str(value)


def php_trim(value):
    return php_str(value).strip(" \t\n\r\0\x0b")


def php_truthy(value):
    """PHP (bool) cast; ``empty($value)`` is its negation."""
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def php_gettype(value):
    """PHP gettype() of a decoded JSON value."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    return "array"


def php_int(value):
    """PHP (int) cast."""
    if isinstance(value, (bool, int)):
        return int(value)
    if isinstance(value, float):
        return int(value)
    if isinstance(value, (list, dict)):
        return 1 if value else 0
    match = re.match(r"\s*[+-]?\d+", value) if isinstance(value, str) else None
    return int(match.group()) if match else 0


def is_php_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


NUMERIC_STRING = re.compile(r"[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*")


def php_above_zero(value):
    """PHP 8's ``$value > 0`` for a decoded JSON value."""
    if value is None or isinstance(value, bool):
        return value is True  # compared as booleans
    if isinstance(value, (int, float)):
        return value > 0
    if isinstance(value, str):
        if NUMERIC_STRING.fullmatch(value):
            return float(value) > 0
        return value > "0"  # a non-numeric string is compared with the string "0"
    return True  # an array is greater than any scalar


def strict_int_equals(value, number):
    """PHP ``$value === $number`` for an int ``number``."""
    return is_php_int(value) and value == number


def lookup_id(value):
    """The id Eloquent's find() would look up, or None when it can match nothing."""
    # inferred: find() binds the value into "WHERE Id = ?", where MySQL casts numeric strings.
    if is_php_int(value):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    return None


def php_foreach(value):
    """The values ``foreach`` walks: an array's (a JSON list or object); anything else warns and walks none."""
    if isinstance(value, dict):
        return list(value.values())
    return list(value) if isinstance(value, list) else []


def ascii_lower(text):
    """PHP 8's strtolower()/stripos() case folding: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def php_json_decode(text):
    """json_decode(): like json.loads but without NaN/Infinity."""
    return json.loads(text, parse_constant=_refuse_constant)

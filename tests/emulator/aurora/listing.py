"""A page of a list, as the managers apply the Offset and Limit arguments (Limit 0: no limit)."""
from .php import php_int


def page(items, offset, limit):
    offset, limit = max(php_int(offset), 0), php_int(limit)
    items = items[offset:]
    return items[:limit] if limit > 0 else items

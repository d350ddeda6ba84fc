"""MySQL's default *_ci collations as the emulator applies them: comparisons that ignore case and accents."""
import re
import unicodedata


def collation_key(text):
    """What a *_unicode_ci collation compares: the letters without case or accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def like_contains(text, fragment):
    """``text LIKE '%fragment%'`` with ``%`` and ``_`` escaped in ``fragment``."""
    return collation_key(fragment) in collation_key(text)


def like_pattern_contains(text, fragment):
    """``text LIKE '%fragment%'`` with ``fragment`` not escaped: ``%`` and ``_`` are wildcards, ``\\`` escapes."""
    parts, chars = [], iter(collation_key(fragment))
    for char in chars:
        if char == "\\":
            parts.append(re.escape(next(chars, "\\")))
        else:
            parts.append({"%": ".*", "_": "."}.get(char) or re.escape(char))
    return re.search("".join(parts), collation_key(text), re.DOTALL) is not None

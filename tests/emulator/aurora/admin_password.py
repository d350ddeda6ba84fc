"""The super-administrator's password hash: PHP's password_hash(..., PASSWORD_BCRYPT) and password_verify().

Real bcrypt through the C library's crypt() (libxcrypt, loaded with ctypes, which every Python has), so a hash that
PHP wrote (the PHP transport's fake Aurora) verifies here and one written here verifies in PHP.  Without that library
the emulator falls back to a bcrypt-shaped hash of its own, which only the emulator can verify.
"""
import base64
import ctypes
import ctypes.util
import hashlib
import hmac
import os
import threading

BCRYPT_PREFIXES = ("$2y$", "$2b$", "$2a$")
_lock = threading.Lock()  # crypt() returns a static buffer


def _load_crypt():
    name = ctypes.util.find_library("crypt")
    if not name:
        return None
    try:
        library = ctypes.CDLL(name)
        library.crypt.restype = ctypes.c_char_p
        library.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        library.crypt_gensalt.restype = ctypes.c_char_p
        library.crypt_gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return library


_CRYPT = _load_crypt()


def _crypt(password, setting):
    with _lock:
        result = _CRYPT.crypt(password.encode("utf-8", "surrogateescape"), setting.encode())
    return result.decode() if result else ""


def _fallback(password, salt):
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8", "surrogateescape"), salt.encode(), 1000)
    return base64.b64encode(digest).decode()[:31].replace("+", ".")


def password_hash(password, cost=10):
    """A new bcrypt hash ("$2y$<cost>$...", 60 characters) of ``password`` (a str)."""
    if _CRYPT:
        with _lock:
            setting = _CRYPT.crypt_gensalt(b"$2y$", cost, os.urandom(16), 16)
        return _crypt(password, setting.decode())
    salt = base64.b64encode(os.urandom(16)).decode()[:22].replace("+", ".")
    return f"$2y${cost:02d}${salt}{_fallback(password, salt)}"


def password_verify(password, stored):
    """PHP password_verify(): whether ``password`` (a str) is the one ``stored`` hashes; False for no hash."""
    if not isinstance(stored, str) or not stored.startswith(BCRYPT_PREFIXES) or len(stored) != 60:
        return False
    if _CRYPT:
        return hmac.compare_digest(_crypt(password, stored).encode(), stored.encode())
    salt = stored[7:29]
    return hmac.compare_digest(f"{stored[:29]}{_fallback(password, salt)}".encode(), stored.encode())

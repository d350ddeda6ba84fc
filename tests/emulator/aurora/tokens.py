"""Aurora's auth tokens: stateless, signed, and revocable only all at once (by the control API)."""
import base64
import hashlib
import hmac
import itertools
import json
import time


class TokenService:
    """Stateless signed tokens, like Aurora's encrypted ones: no server-side session needed."""

    _SECRET = b"aurora-emulator-token-key"  # fixed, so tokens survive a restart as Aurora's do

    def __init__(self):
        self._serials = itertools.count(1)
        self._last_serial = 0
        self._revoked_up_to = 0

    def issue(self, auth_data):
        self._last_serial = next(self._serials)
        payload = json.dumps({**auth_data, "@time": int(time.time()), "@ver": "4.0", "n": self._last_serial},
                             separators=(",", ":")).encode()
        signature = hmac.new(self._SECRET, payload, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")

    def decode(self, token):
        """The auth data of a valid token, or None."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except ValueError:
            return None
        signature, payload = raw[:16], raw[16:]
        if not hmac.compare_digest(signature, hmac.new(self._SECRET, payload, hashlib.sha256).digest()[:16]):
            return None
        data = json.loads(payload)
        return data if data["n"] > self._revoked_up_to else None

    def revoke_all(self):
        self._revoked_up_to = self._last_serial

    def unrevoke(self):
        self._revoked_up_to = 0

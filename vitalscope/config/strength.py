"""A floor for configured passwords and tokens: long enough and not a pattern.

The estimate is deliberately simple: bits = log2(alphabet) per character that neither
repeats the one before, nor continues a run, nor repeats a pair of characters seen before
("aaaa" counts once, "abcd" twice, the second "letmein" of "letmeinletmein" not at all),
where the alphabet is the character classes the secret uses (a hex-only secret counts 16).
Messages never contain the secret itself."""

from __future__ import annotations

import itertools
import math
import string

PASSWORD_MIN_LENGTH = 12
PASSWORD_MIN_BITS = 50.0
TOKEN_MIN_LENGTH = 24
TOKEN_MIN_BITS = 72.0
_HEX = frozenset(string.hexdigits)


def _alphabet(secret: str) -> int:
    if all(c in _HEX for c in secret) and not secret.isdigit():
        return 16
    size = 0
    size += 26 if any(c.islower() for c in secret) else 0
    size += 26 if any(c.isupper() for c in secret) else 0
    size += 10 if any(c.isdigit() for c in secret) else 0
    size += 33 if any(not c.isalnum() and c.isascii() for c in secret) else 0
    size += 100 if any(not c.isascii() for c in secret) else 0
    return max(size, 2)


def estimated_bits(secret: str) -> float:
    if not secret:
        return 0.0
    informative = 1
    step = 0
    seen: set[tuple[str, str]] = set()
    for before, char in itertools.pairwise(secret):
        delta = ord(char) - ord(before)
        if delta != 0 and not (abs(delta) == 1 and delta == step) and (before, char) not in seen:
            informative += 1
        seen.add((before, char))
        step = delta
    return informative * math.log2(_alphabet(secret))


def weakness(secret: str, *, min_length: int, min_bits: float) -> str | None:
    """Why `secret` is too weak, without quoting it; None when it is strong enough."""
    if len(secret) < min_length:
        return f"too short: {len(secret)} characters, at least {min_length} needed"
    bits = estimated_bits(secret)
    if bits < min_bits:
        return (f"too guessable: about {bits:.0f} bits, at least {min_bits:.0f} needed "
                "(use a longer random value, e.g. `openssl rand -hex 24`)")
    return None


def check_token(secret: str) -> None:
    reason = weakness(secret, min_length=TOKEN_MIN_LENGTH, min_bits=TOKEN_MIN_BITS)
    if reason:
        raise ValueError(reason)


def check_password(secret: str) -> None:
    reason = weakness(secret, min_length=PASSWORD_MIN_LENGTH, min_bits=PASSWORD_MIN_BITS)
    if reason:
        raise ValueError(reason)

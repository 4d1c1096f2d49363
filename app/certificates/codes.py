"""Public certificate codes: 140 random bits in Crockford base32, in seven groups of four.

``7K2M-9QXD-...`` is short enough to type from paper, has no I, L, O or U to misread, and
carries no order or meaning (``secrets``, never a counter). Typed input is forgiving:
lower case, spaces, missing dashes, and the look-alikes O→0 and I/L→1 are accepted.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
GROUP = 4
LENGTH = 28  # characters: 28 × 5 = 140 bits of entropy
BITS = LENGTH * 5
MAX_LENGTH = LENGTH + LENGTH // GROUP - 1  # with the dashes: 34

_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def group(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def new_code() -> str:
    """A fresh random code in its canonical, grouped form."""
    value = secrets.randbits(BITS)
    chars = []
    for _ in range(LENGTH):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return group("".join(chars))


def normalise(typed: str | None) -> str | None:
    """The canonical form of a typed or scanned code, or None if it cannot be one."""
    if not typed or len(typed) > 3 * MAX_LENGTH:
        return None
    raw = _SEPARATORS.sub("", typed).upper().translate(_LOOKALIKES)
    if not _VALID.match(raw):
        return None
    return group(raw)

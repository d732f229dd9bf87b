"""Normalise what people type: input-method full-width forms, stray blanks, phone numbers."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}


def normalise(value: str, *, multiline: bool = False) -> str:
    """Fold full-width digits, letters and spaces (NFKC), drop control characters, trim blanks.

    Single-line values also have runs of white space folded into one space.
    """
    value = unicodedata.normalize("NFKC", value)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        kept = "".join(
            ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in _CONTROL
        )
        return "\n".join(line.rstrip() for line in kept.split("\n")).strip()
    kept = "".join(ch for ch in value if unicodedata.category(ch) not in _CONTROL)
    return _SPACES.sub(" ", kept).strip()


def normalise_phone(value: str) -> str:
    """Keep the digits of a phone number (and a leading +), as people write them in many ways."""
    value = normalise(value)
    digits = re.sub(r"[^\d+]", "", value)
    return digits[:1] + digits[1:].replace("+", "")


def looks_like_phone(value: str) -> bool:
    """Tell whether a login name is really a phone number (7 to 15 digits)."""
    digits = normalise_phone(value).lstrip("+")
    return digits.isdigit() and 7 <= len(digits) <= 15

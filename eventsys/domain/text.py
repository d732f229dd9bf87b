"""Normalise what people type: input-method full-width forms, stray blanks, phone numbers."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}


# Full-width digits, Latin letters and a few signs typed in a Chinese input method's full-width
# mode, and the ideographic space. Chinese punctuation (，。：；！？（）) is deliberately kept:
# NFKC would turn a poem's "，" into ",".
_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FOLD.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FOLD.update(
    {
        0x3000: 0x20,
        0xFF0B: 0x2B,
        0xFF0D: 0x2D,
        0xFF0E: 0x2E,
        0xFF20: 0x40,
        0xFF3F: 0x5F,
        0xFF0F: 0x2F,
    }
)  # space + - . @ _ /


def normalise(value: str, *, multiline: bool = False) -> str:
    """Fold full-width digits, letters and spaces, drop control characters, trim blanks.

    Single-line values also have runs of white space folded into one space.
    """
    value = unicodedata.normalize("NFC", value).translate(_FOLD)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        kept = "".join(
            ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in _CONTROL
        )
        return "\n".join(line.rstrip() for line in kept.split("\n")).strip()
    kept = "".join(ch for ch in value if unicodedata.category(ch) not in _CONTROL)
    return _SPACES.sub(" ", kept).strip()


def normalise_number(value: str) -> str:
    """Read a number however it was typed: NFKC folds every full-width or compatibility form."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


def normalise_phone(value: str) -> str:
    """Keep the digits of a phone number (and a leading +), as people write them in many ways."""
    value = normalise_number(value)
    digits = re.sub(r"[^\d+]", "", value)
    return digits[:1] + digits[1:].replace("+", "")


def looks_like_phone(value: str) -> bool:
    """Tell whether a login name is really a phone number (7 to 15 digits)."""
    digits = normalise_phone(value).lstrip("+")
    return digits.isdigit() and 7 <= len(digits) <= 15


def letters(index: int) -> str:
    """Return the letters of the 0-based *index* as a spreadsheet's columns (0 -> A, 25 -> Z,
    26 -> AA): group names, judges of a Skating System final."""
    result = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        result = chr(ord("A") + rest) + result
    return result

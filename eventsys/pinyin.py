"""Pinyin readings of people's names, for sorting and for searching by pinyin or initials.

pypinyin reads characters as words; a surname with several readings needs its surname reading,
so the first character (or a known double surname) is looked up here first."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's most common reading.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "万俟": ("mo", "qi"),
    "尉迟": ("yu", "chi"),
    "长孙": ("zhang", "sun"),
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "区": ("ou",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge",),
    "乐": ("yue",),
    "员": ("yun",),
    "召": ("shao",),
    "种": ("chong",),
    "秘": ("bi",),
    "翟": ("zhai",),
    "覃": ("qin",),
    "缪": ("miao",),
    "繁": ("po",),
    "尉": ("wei",),
    "折": ("she",),
    "柏": ("bai",),
    "薄": ("bo",),
    "谌": ("chen",),
    "句": ("gou",),
    "隗": ("wei",),
    "过": ("guo",),
    "都": ("du",),
    "纪": ("ji",),
    "任": ("ren",),
    "华": ("hua",),
    "宁": ("ning",),
    "能": ("nai",),
    "藏": ("zang",),
    "阚": ("kan",),
}


def name_syllables(name: str) -> list[str]:
    """Return the pinyin syllables of a Chinese name, surname read as a surname."""
    for length in (2, 1):
        head = name[:length]
        if head in SURNAME_READINGS:
            rest = lazy_pinyin(name[length:], style=Style.NORMAL, errors="default")
            return [*SURNAME_READINGS[head], *(part.lower() for part in rest)]
    return [part.lower() for part in lazy_pinyin(name, style=Style.NORMAL, errors="default")]


def name_pinyin(name: str) -> str:
    """Return the searchable reading of a name: syllables, then initials ('zhang he shun zhs')."""
    syllables = [s.strip() for s in name_syllables(name) if s.strip()]
    initials = "".join(s[0] for s in syllables if s and s[0].isalpha())
    return f"{' '.join(syllables)} {initials}".strip()

"""A calendar's own name is written without the characters its readers disagree about."""

from __future__ import annotations

from eventsys.domain.ical_rules import calendar_name


def test_commas_semicolons_and_backslashes_become_their_full_width_forms() -> None:
    assert (
        calendar_name("重阳节慰问演出🎉金秋艺术团、戏曲班联合演出, 第1场; A\\B")
        == "重阳节慰问演出🎉金秋艺术团、戏曲班联合演出， 第1场； A＼B"
    )


def test_a_line_break_becomes_a_space_and_everything_else_is_kept() -> None:
    assert calendar_name("晓月诗社\n秋季诗会：“月”，第2场") == "晓月诗社 秋季诗会：“月”，第2场"
    assert calendar_name("Tai chi: Mon & Wed") == "Tai chi: Mon & Wed"

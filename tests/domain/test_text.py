"""Normalising what people type."""

from __future__ import annotations

import pytest

from eventsys.domain.text import looks_like_phone, normalise, normalise_number, normalise_phone


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        pytest.param(
            "　１３８　００１３　８０００ ",
            "138 0013 8000",
            id="full_width_digits_and_spaces_from_an_input_method_become_ascii",
        ),
        pytest.param("ＡＢＣ１２３", "ABC123", id="full_width_letters_are_folded"),
        pytest.param(
            "张\x00和\u200b顺\t  先生",
            "张和顺 先生",
            id="control_characters_are_dropped_and_blanks_folded",
        ),
        pytest.param(
            "春眠不觉晓，处处闻啼鸟：（五绝）！",
            "春眠不觉晓，处处闻啼鸟：（五绝）！",
            id="chinese_punctuation_in_a_poem_is_kept",
        ),
    ],
)
def test_what_people_type_is_normalised(typed: str, read: str) -> None:
    assert normalise(typed) == read


def test_multiline_text_keeps_its_lines_but_not_trailing_blanks() -> None:
    poem = "  床前明月光，  \r\n疑是地上霜。\x07\n"
    assert normalise(poem, multiline=True) == "床前明月光，\n疑是地上霜。"


def test_numbers_typed_in_any_width_are_read() -> None:
    assert normalise_number(" ４０ ") == "40"


def test_phone_numbers_keep_only_digits_and_a_leading_plus() -> None:
    assert normalise_phone("１３８-００１３ ８０００") == "13800138000"
    assert normalise_phone("+86 138 0013 8000") == "+8613800138000"


def test_a_login_name_that_is_a_phone_number_is_recognised() -> None:
    assert looks_like_phone("138 0013 8000")
    assert not looks_like_phone("zhanghs")
    assert not looks_like_phone("123")

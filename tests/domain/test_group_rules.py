"""Join requests and certificate photos: worked examples of domain.groups."""

from __future__ import annotations

import pytest

from eventsys.domain import groups as rules
from eventsys.domain.groups import JoinRefused

# The smallest real files: a 1x1 PNG (signature, then its IHDR chunk) and a JPEG's frame.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def test_someone_outside_the_group_without_a_request_may_ask() -> None:
    rules.check_ask(is_member=False, has_pending=False)


def test_a_member_may_not_ask_to_join_again() -> None:
    with pytest.raises(JoinRefused) as refused:
        rules.check_ask(is_member=True, has_pending=False)
    assert refused.value.code == "member"


def test_one_pending_request_per_member_and_group() -> None:
    with pytest.raises(JoinRefused) as refused:
        rules.check_ask(is_member=False, has_pending=True)
    assert refused.value.code == "pending"


def test_a_pending_request_is_accepted_or_refused() -> None:
    assert rules.answer("pending", "accept") == "accepted"
    assert rules.answer("pending", "refuse") == "refused"


@pytest.mark.parametrize("status", ["accepted", "refused"])
def test_an_answered_request_is_not_answered_twice(status: str) -> None:
    with pytest.raises(JoinRefused) as refused:
        rules.answer(status, "accept")
    assert refused.value.code == "answered"


def test_an_unknown_answer_is_refused_before_anything_else() -> None:
    with pytest.raises(JoinRefused) as refused:
        rules.answer("accepted", "maybe")
    assert refused.value.code == "unknown_answer"


def test_only_staff_and_that_groups_own_leader_may_lead() -> None:
    assert rules.may_lead(person_id=7, is_staff=False, leader_id=7)
    assert rules.may_lead(person_id=8, is_staff=True, leader_id=7)
    assert not rules.may_lead(person_id=8, is_staff=False, leader_id=7)
    assert not rules.may_lead(person_id=8, is_staff=False, leader_id=None)


def test_photos_are_recognised_by_their_bytes_not_their_names() -> None:
    assert rules.image_type(PNG) == "image/png"
    assert rules.image_type(JPEG) == "image/jpeg"
    assert rules.extension("image/png") == ".png"
    assert rules.extension("image/jpeg") == ".jpg"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"GIF89a\x01\x00\x01\x00",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"%PDF-1.7\n",
        PNG[:8] + b"<html>",  # a PNG signature before anything but its header chunk
        JPEG[:3],  # a JPEG's start and nothing after it
        b"\xff\xd8\xff\x00<html>",  # no segment marker after the start
        b"RIFF\x10\x00\x00\x00WEBPVP8 ",  # WebP: only with Pillow, which the project lacks
    ],
)
def test_anything_else_is_not_a_photo(body: bytes) -> None:
    assert rules.image_type(body) is None

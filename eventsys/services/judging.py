"""Judges' score sheets and placings: drafts, submission, optimistic locking, the audit trail.

A sheet carries a version; a save names the version it was typed against, and a stale save is
refused (never merged or overwritten silently). Published results lock every sheet: the check
is the same UPDATE that raises the contest's results version, so it cannot race publication."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from eventsys import versions
from eventsys.domain import contest_results
from eventsys.domain.text import normalise_number
from eventsys.errors import Conflict, EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.models import Registration, User
from eventsys.models.contests import Contest, Criterion, Mark, Placement, PlacingSheet, ScoreSheet
from eventsys.services import audit
from eventsys.services.contests import entries, is_excluded, require_on_panel, rostered_pairs
from eventsys.timeutil import utcnow

_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


class MarkErrors(EventsysError):
    """Several marks are wrong; *errors* maps each form field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(_("Some marks need correcting. Nothing was saved."))
        self.errors = dict(errors)


def parse_mark(raw: str, criterion: Criterion) -> Decimal | None:
    """Read a typed mark (full-width digits too); None if empty; refuse junk and out-of-range."""
    text = normalise_number(raw or "").replace("。", ".")
    if text == "":
        return None
    try:
        # Decimals in ASCII digits only: Decimal() would also take "NaN" or other scripts' digits.
        if not _PLAIN_NUMBER.fullmatch(text):
            raise InvalidOperation
        value = Decimal(text)
    except InvalidOperation:
        raise EventsysError(
            _("“%(text)s” is not a number. Type a mark like 8.5.", text=raw.strip())
        ) from None
    if not value.is_finite():
        raise EventsysError(
            _("“%(text)s” is not a number. Type a mark like 8.5.", text=raw.strip())
        )
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise EventsysError(_("Give a mark with at most two decimals."))
    if not criterion.min_mark <= value <= criterion.max_mark:
        raise EventsysError(
            _(
                "The mark for %(name)s must be between %(low)s and %(high)s.",
                name=criterion.name,
                low=_plain(criterion.min_mark),
                high=_plain(criterion.max_mark),
            )
        )
    return value


def _plain(value: Decimal) -> str:
    """Show a stored Numeric without trailing zeros: 10.00 -> 10, 9.50 -> 9.5."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def mark_field(criterion: Criterion) -> str:
    return f"mark_{criterion.id}"


@dataclass(frozen=True)
class SheetRow:
    """An entry as one judge sees it on their list."""

    entry: Registration
    sheet: ScoreSheet | None
    excluded: bool


def sheets_of(contest: Contest, judge: User) -> list[SheetRow]:
    """Return every entry of the contest with this judge's sheet (two queries)."""
    sheets = {
        sheet.registration_id: sheet
        for sheet in db.session.scalars(
            select(ScoreSheet).where(
                ScoreSheet.contest_id == contest.id, ScoreSheet.judge_id == judge.id
            )
        )
    }
    rostered = rostered_pairs(contest.event_id, [judge.id])
    rows = [
        SheetRow(entry, sheets.get(entry.id), is_excluded(judge, entry, rostered))
        for entry in entries(contest)
    ]
    if contest.blind:
        rows.sort(key=lambda row: list_order(row.entry.blind_code))
    return rows


def list_order(blind_code: str | None) -> tuple[bool, str]:
    """A blind contest's judge list is in code order: the order of registration would tell who
    entered when (the sort key of an entry by its code)."""
    return blind_code is None, blind_code or ""


def next_to_score(contest: Contest, judge: User, entry: Registration) -> int | None:
    """The id of the judge's next entry still to score after *entry*, in the order of their
    list (:func:`sheets_of`), coming round to the top; None when no other is left. What a
    save answers with, in three queries of plain values (no sheet or entry loaded whole)."""
    submitted = set(
        db.session.scalars(
            select(ScoreSheet.registration_id).where(
                ScoreSheet.contest_id == contest.id,
                ScoreSheet.judge_id == judge.id,
                ScoreSheet.status == "submitted",
            )
        )
    )
    rostered = rostered_pairs(contest.event_id, [judge.id])
    lines = db.session.execute(
        select(Registration.id, Registration.organisation_id, Registration.blind_code)
        .where(Registration.event_id == contest.event_id, Registration.status == "confirmed")
        .order_by(Registration.id)
    ).all()
    if contest.blind:
        lines.sort(key=lambda line: list_order(line.blind_code))
    ids = [line.id for line in lines]
    here = ids.index(entry.id) if entry.id in ids else -1
    panel = contest_results.Judge(judge.id, judge.organisation_id)
    for line in lines[here + 1 :] + lines[: max(here, 0)]:
        if line.id in submitted:
            continue
        own = contest_results.Entry(line.id, line.organisation_id)
        if not contest_results.stands_aside(panel, own, (judge.id, line.id) in rostered):
            return int(line.id)
    return None


def sheet_for(contest: Contest, judge: User, entry: Registration) -> ScoreSheet | None:
    return db.session.scalars(
        select(ScoreSheet).where(
            ScoreSheet.judge_id == judge.id, ScoreSheet.registration_id == entry.id
        )
    ).first()


def check_may_score(contest: Contest, judge: User, entry: Registration) -> None:
    """Refuse a judge who is off the panel or excluded from this entry (回避)."""
    if contest.is_skating:
        raise EventsysError(_("This contest is judged by placings, not marks."))
    require_on_panel(contest, judge)
    if entry.event_id != contest.event_id or entry.status != "confirmed":
        raise Forbidden(_("This entry is not in the contest."))
    if is_excluded(judge, entry):
        raise Forbidden(
            _("You are from the same organisation as this entry, so you do not score it (回避).")
        )
    if (judge.id, entry.id) in rostered_pairs(contest.event_id, [judge.id]):
        raise Forbidden(_("You are on this entry's roster, so you do not score it (回避)."))


def _lock_unpublished(contest: Contest) -> None:
    """Raise the results version unless the results are published (one atomic statement)."""
    changed = db.session.execute(
        update(Contest)
        .where(Contest.id == contest.id, Contest.published_at.is_(None))
        .values(results_version=Contest.results_version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise EventsysError(_("The results are published, so the marks are locked."))
    # The counter is the contest's own (no result depends on it): the sheets say what changed.
    versions.touch(db.session, versions.contest(contest.id), inputs_changed=False)


def _stale() -> Conflict:
    return Conflict(
        _(
            "Someone saved this sheet after you opened it (another judge, tab or device). "
            "Your marks were NOT saved; they are shown below next to the saved ones. "
            "Check them and save again."
        )
    )


S = TypeVar("S", ScoreSheet, PlacingSheet)


def _claim(model: type[S], sheet: S | None, version: int, new: Callable[[], S]) -> S:
    """Take the sheet the judge opened at *version* for this save: add it (*new*) if there
    was none, or bump its version if it is still the one opened; else refuse as stale."""
    if sheet is None:
        if version != 0:
            raise _stale()
        sheet = new()
        try:
            with db.session.begin_nested():
                db.session.add(sheet)
        except IntegrityError:
            raise _stale() from None
        return sheet
    claimed = db.session.execute(
        update(model)
        .where(model.id == sheet.id, model.version == version)
        .values(version=version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise _stale()
    db.session.refresh(sheet)
    return sheet


def save_sheet(
    contest: Contest,
    judge: User,
    entry: Registration,
    raw_marks: Mapping[int, str],
    *,
    version: int,
    submit: bool,
) -> ScoreSheet:
    """Save a judge's marks for one entry as a draft or submit them; refuse stale saves.

    *raw_marks* maps criterion ids to what was typed; *version* is the sheet version the form
    was shown with (0 when there was no sheet yet)."""
    check_may_score(contest, judge, entry)
    criteria = list(contest.criteria)
    values: dict[int, Decimal | None] = {}
    errors: dict[str, str] = {}
    for criterion in criteria:
        try:
            values[criterion.id] = parse_mark(raw_marks.get(criterion.id, ""), criterion)
        except EventsysError as error:
            errors[mark_field(criterion)] = str(error)
    sheet = sheet_for(contest, judge, entry)
    was_submitted = sheet is not None and sheet.status == "submitted"
    if (submit or was_submitted) and not errors:
        for criterion in criteria:
            if values[criterion.id] is None:
                errors[mark_field(criterion)] = _("Give a mark for %(name)s.", name=criterion.name)
    if errors:
        raise MarkErrors(errors)
    _lock_unpublished(contest)
    before = _marks_snapshot(sheet, criteria) if sheet is not None else None
    sheet = _claim(
        ScoreSheet,
        sheet,
        version,
        lambda: ScoreSheet(
            contest_id=contest.id, judge_id=judge.id, registration_id=entry.id, version=1
        ),
    )
    by_criterion = {mark.criterion_id: mark for mark in sheet.marks}
    for criterion in criteria:
        value = values[criterion.id]
        mark = by_criterion.get(criterion.id)
        if value is None:
            if mark is not None:
                sheet.marks.remove(mark)
        elif mark is None:
            sheet.marks.append(Mark(criterion_id=criterion.id, value=value))
        else:
            mark.value = value
    now = utcnow()
    if submit and not was_submitted:
        sheet.status = "submitted"
        sheet.submitted_at = now
    db.session.flush()
    after = _marks_snapshot(sheet, criteria)
    if was_submitted:
        if before != after:
            audit.record(judge, "score.change", "score_sheet", sheet.id, before=before, after=after)
    elif sheet.status == "submitted":
        audit.record(judge, "score.submit", "score_sheet", sheet.id, after=after)
    return sheet


def _marks_snapshot(sheet: ScoreSheet, criteria: list[Criterion]) -> dict[str, object]:
    by_id = {mark.criterion_id: mark.value for mark in sheet.marks}
    return {
        "entry": sheet.registration_id,
        "status": sheet.status,
        "marks": {c.name: (_plain(by_id[c.id]) if c.id in by_id else None) for c in criteria},
    }


# ---- Skating System placings -------------------------------------------------------------


def placing_sheets_of(contest: Contest, judge: User) -> dict[str, PlacingSheet | None]:
    """Return the judge's sheet for each dance of the final, None where none is saved yet
    (one query, however many dances)."""
    saved = {
        sheet.dance: sheet
        for sheet in db.session.scalars(
            select(PlacingSheet).where(
                PlacingSheet.contest_id == contest.id, PlacingSheet.judge_id == judge.id
            )
        )
    }
    return {dance: saved.get(dance) for dance in contest.dance_list}


def placing_sheet_for(contest: Contest, judge: User, dance: str) -> PlacingSheet | None:
    return db.session.scalars(
        select(PlacingSheet).where(
            PlacingSheet.contest_id == contest.id,
            PlacingSheet.judge_id == judge.id,
            PlacingSheet.dance == dance,
        )
    ).first()


def save_placings(
    contest: Contest,
    judge: User,
    dance: str,
    raw_places: Mapping[int, str],
    *,
    version: int,
    submit: bool,
) -> PlacingSheet:
    """Save a judge's placings of every couple in one dance; each place used once (rule 4)."""
    if not contest.is_skating:
        raise EventsysError(_("This contest is judged by marks, not placings."))
    require_on_panel(contest, judge)
    if dance not in contest.dance_list:
        raise Forbidden(_("This dance is not in the final."))
    if rostered_pairs(contest.event_id, [judge.id]):
        raise Forbidden(_("You dance in this final, so you do not place its couples (回避)."))
    couples = entries(contest)
    n = len(couples)
    places: dict[int, int | None] = {}
    errors: dict[str, str] = {}
    for couple in couples:
        text = normalise_number(raw_places.get(couple.id, "") or "")
        if text == "":
            places[couple.id] = None
            continue
        if not text.isdigit() or not 1 <= int(text) <= n:
            errors[f"place_{couple.id}"] = _("Give a whole place between 1 and %(n)s.", n=n)
            continue
        places[couple.id] = int(text)
    seen: dict[int, int] = {}
    for couple_id, place in places.items():
        if place is None:
            continue
        if place in seen:
            errors[f"place_{couple_id}"] = _(
                "Place %(place)s is given twice; each place goes to one couple.", place=place
            )
        seen[place] = couple_id
    sheet = placing_sheet_for(contest, judge, dance)
    was_submitted = sheet is not None and sheet.status == "submitted"
    if (submit or was_submitted) and not errors:
        for couple_id, place in places.items():
            if place is None:
                errors[f"place_{couple_id}"] = _("Give every couple a place.")
    if errors:
        raise MarkErrors(errors)
    _lock_unpublished(contest)
    before = _places_snapshot(sheet) if sheet is not None else None
    sheet = _claim(
        PlacingSheet,
        sheet,
        version,
        lambda: PlacingSheet(contest_id=contest.id, judge_id=judge.id, dance=dance, version=1),
    )
    existing = {p.registration_id: p for p in sheet.placements}
    for couple_id, place in places.items():
        row = existing.get(couple_id)
        if place is None:
            if row is not None:
                sheet.placements.remove(row)
        elif row is None:
            sheet.placements.append(Placement(registration_id=couple_id, place=place))
        else:
            row.place = place
    if submit and not was_submitted:
        sheet.status = "submitted"
        sheet.submitted_at = utcnow()
    db.session.flush()
    after = _places_snapshot(sheet)
    if was_submitted and before != after:
        audit.record(judge, "placing.change", "placing_sheet", sheet.id, before=before, after=after)
    elif not was_submitted and sheet.status == "submitted":
        audit.record(judge, "placing.submit", "placing_sheet", sheet.id, after=after)
    return sheet


def _places_snapshot(sheet: PlacingSheet) -> dict[str, object]:
    return {
        "dance": sheet.dance,
        "status": sheet.status,
        "places": {
            str(p.registration_id): p.place
            for p in sorted(sheet.placements, key=lambda p: p.registration_id)
        },
    }

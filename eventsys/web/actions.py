"""The one path of a write: the form is validated, one command runs, then the request commits,
or rolls back and the refusal is attached to the field it names.

Services flush and never commit; views never commit by themselves. `perform` is the only place
under eventsys/web that commits, so that "what does a request write, and when is it kept" has
one answer:

    if form.validate_on_submit():
        done = perform(lambda: service.do_it(thing, form.x.data, actor=current_user), form=form)
        if done:
            flash(_("Done."), "success")
            return redirect(...)
    return render_template(...), 422 if form.errors else 200

A refusal (an EventsysError) rolls the request back; with a form it is shown under the field
it names (error.field), else flashed. A view that shows some refusals its own way passes
quiet=True and looks at done.refusal. The one exception to "a refusal keeps nothing" is
keep_refused=True, for the tries counted by the sign-in and probing limits: a refused try must
still count, or the limit would never be reached (see auth.login, auth.signup)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from flask import flash, has_request_context
from flask_wtf import FlaskForm

from eventsys.database import write_intent
from eventsys.errors import EventsysError
from eventsys.extensions import db

T = TypeVar("T")


class Outcome(Generic[T]):
    """What perform gave: true when the command's work was committed; the command's value
    (also when a commit_if declined it), or the refusal that rolled it back."""

    __slots__ = ("_value", "committed", "refusal")

    def __init__(self, value: Any, *, committed: bool, refusal: EventsysError | None) -> None:
        self._value = value
        self.committed = committed
        self.refusal = refusal

    def __bool__(self) -> bool:
        return self.committed

    @property
    def value(self) -> T:
        if self.refusal is not None:
            raise RuntimeError("a refused command has no value") from self.refusal
        return self._value  # type: ignore[no-any-return]


def attach_refusal(form: FlaskForm | None, refusal: EventsysError, *, field: str | None) -> bool:
    """Put *refusal* under *field* (or the field it names); False if the form has no such field."""
    name = field or refusal.field
    target = getattr(form, name, None) if form is not None and name else None
    if target is None:
        return False
    target.errors = [*list(target.errors), str(refusal)]
    return True


def perform(
    command: Callable[[], T],
    *,
    form: FlaskForm | None = None,
    field: str | None = None,
    quiet: bool = False,
    keep_refused: bool | Callable[[EventsysError], bool] = False,
    commit_if: Callable[[T], bool] | None = None,
) -> Outcome[T]:
    """Run *command* (one service call, validated input already in hand) and commit its work.

    On an EventsysError the request is rolled back (committed with keep_refused, or when
    keep_refused(refusal) says so: see the module note) and, unless *quiet*, the refusal goes
    under *field* or the field it names on *form*, or is flashed as an error. *commit_if* may
    decline the command's value (a warning still to be confirmed): the work is rolled back, and
    the outcome is false with no refusal."""
    refusal: EventsysError | None = None
    value: Any = None
    in_request = has_request_context()
    if in_request and not write_intent.get():
        # An earlier perform of this request ended its write transaction; what ran since read
        # in a deferred one. This command's work begins a write transaction again.
        db.session.rollback()
        write_intent.set(True)
    try:
        value = command()
    except EventsysError as error:
        refusal = error
        keep = keep_refused(error) if callable(keep_refused) else keep_refused
    else:
        keep = commit_if is None or commit_if(value)
    if keep:
        db.session.commit()  # the one commit of a request under eventsys/web
    else:
        db.session.rollback()
    if in_request:
        # What the request does next (the redirect's choice, the form shown again) only reads:
        # on SQLite it must not take the write lock again (BEGIN IMMEDIATE) and keep it until
        # the request ends, while the next judge's save waits for it.
        write_intent.set(False)
    if refusal is not None and not quiet and not attach_refusal(form, refusal, field=field):
        flash(str(refusal), "error")
    return Outcome(value, committed=keep and refusal is None, refusal=refusal)

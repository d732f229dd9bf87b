"""Translated labels for the stored codes (kinds, statuses, roles, contest and tournament
settings, standings criteria, audit actions): the one table from a code to its words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from eventsys.domain.sports import table_tennis

EVENT_KIND_LABELS = {
    "performance": _l("Performance"),
    "ball_game": _l("Ball game"),
    "poetry_contest": _l("Poetry contest"),
    "troupe_competition": _l("Art-troupe competition"),
    "lecture": _l("Lecture"),
    "exhibition": _l("Exhibition"),
    "health_clinic": _l("Health clinic"),
    "knowledge_contest": _l("Knowledge contest"),
    "activity": _l("Regular activity"),
    "other": _l("Other"),
}
STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "cancelled": _l("Cancelled")}
GROUP_KIND_LABELS = {
    "interest_group": _l("Interest group"),
    "society": _l("Society"),
    "troupe": _l("Troupe"),
    "team": _l("Team"),
}
VENUE_KIND_LABELS = {
    "room": _l("Room"),
    "hall": _l("Hall"),
    "court": _l("Court"),
    "outdoor": _l("Outdoor"),
}
REGISTRATION_MODE_LABELS = {
    "none": _l("No registration: people just come"),
    "individual": _l("Each person registers"),
    "team": _l("Teams or troupes enter"),
}
CAPACITY_COUNT_LABELS = {"people": _l("people"), "entries": _l("entries (teams)")}
REGISTRATION_STATUS_LABELS = {
    "pending": _l("Awaiting approval"),
    "confirmed": _l("Confirmed"),
    "waiting": _l("On the waiting list"),
    "cancelled": _l("Cancelled"),
    "rejected": _l("Not accepted"),
    # Shown for a live registration whose event was cancelled (Registration.shown_status).
    "event_cancelled": _l("Cancelled"),
}
MEMBER_ROLE_LABELS = {
    "captain": _l("Captain"),
    "player": _l("Player"),
    "substitute": _l("Substitute"),
    "performer": _l("Performer"),
}
ROLE_LABELS = {"organizer": _l("Organizer"), "judge": _l("Judge"), "participant": _l("Participant")}


def event_kind_label(kind: str) -> str:
    return str(EVENT_KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def group_kind_label(kind: str) -> str:
    return str(GROUP_KIND_LABELS.get(kind, kind))


def venue_kind_label(kind: str) -> str:
    return str(VENUE_KIND_LABELS.get(kind, kind))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def registration_status_label(status: str) -> str:
    return str(REGISTRATION_STATUS_LABELS.get(status, status))


def member_role_label(role: str) -> str:
    return str(MEMBER_ROLE_LABELS.get(role, role))


# Skating System finals: the rule that broke a tie on the totals (domain.skating's
# tie_broken_by), in words a member reads on the results card.
SKATING_TIE_LABELS = {
    "R10": _l(
        "Tie decided by Rule 10 (majority of places: more dances placed this well or better)"
    ),
    "R11": _l("Tie decided by Rule 11 (all judges' marks of all dances counted together)"),
}


def skating_tie_label(rule: str) -> str:
    return str(SKATING_TIE_LABELS.get(rule, rule))


# ---- judged contests: the settings offered on the set-up form, sheets, Skating rules ----

AGGREGATION_LABELS = {
    "trimmed_mean": _l("Trimmed mean (drop highest and lowest)"),
    "mean": _l("Mean of all judges"),
    "median": _l("Median of the judges"),
    "skating": _l("Skating System (judges give placings)"),
}
ORDER_LABELS = {
    "per_judge_total_then_trim": _l("Weight each judge's sheet, then trim the totals"),
    "per_criterion_trim_then_weight": _l("Trim each criterion, then weight"),
}
PRIZE_MODE_LABELS = {
    "count": _l("By number of winners"),
    "share": _l("By share of the field (%)"),
    "threshold": _l("By minimum score"),
}
TIE_POLICY_LABELS = {
    "competition_rank": _l("Tied entries share the higher prize"),
    "quota_extends": _l("A tie extends the prize's quota"),
    "exact_quota_secondary_key": _l("Exact quotas, ties ordered by the tie-breaks"),
}
BASIS_LABELS = {"tier": _l("Points per prize"), "place": _l("Points per place")}
SHEET_STATUS_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted")}
RUNNING_RESULTS_LABELS = {
    "shown": _l("Shown while the judges mark"),
    "hidden": _l("Hidden until published (only the number of sheets in is shown)"),
}
TIEBREAK_LABELS = {
    "untrimmed_mean": _l("mean of all judges' totals"),
    "median": _l("median of the judges' totals"),
    "lower_spread": _l("smaller spread of the judges' totals"),
}
# The rule of the Skating System that decided each place, in words (the calculation page).
SKATING_RULES = {
    "R5": _l("Rule 5: the only couple with a majority of judges placing it this well or better."),
    "R6": _l("Rule 6: of several couples with a majority, the larger majority wins."),
    "R7": _l(
        "Rule 7: equal majorities; the lower sum of those marks wins, else the next column "
        "decides (a tie that never breaks shares the places)."
    ),
    "R9": _l("Rule 9: the places of all dances are added up; the lowest total wins."),
    "R10": _l(
        "Rule 10: equal totals; most dances placed this well or better wins, then the lower "
        "sum of those places."
    ),
    "R11": _l(
        "Rule 11: still tied; all judges' marks of all dances are counted as one dance "
        "(rules 5 to 8)."
    ),
}


# ---- tournaments: what a side and a playing place are called, by sport and entry kind ----


class TournamentLabels:
    """The words for a tournament's sides (players or teams) and playing places (tables, courts)."""

    def __init__(self, sport: str, entry_kind: str) -> None:
        self.sport = sport
        self.singles = entry_kind != "team"

    @property
    def entrant(self) -> str:
        if self.singles:
            return str(pgettext("tournament singles", "Player"))
        return str(pgettext("tournament teams", "Team"))

    @property
    def entrants(self) -> str:
        if self.singles:
            return str(pgettext("tournament singles", "Players"))
        return str(pgettext("tournament teams", "Teams"))

    @property
    def place(self) -> str:
        if self.sport == "table_tennis":
            return str(pgettext("table tennis", "Table"))
        if self.sport == "billiards":
            return str(pgettext("billiards", "Table"))
        if self.sport == "gateball":
            return str(pgettext("gateball", "Court"))
        return str(pgettext("tournament", "Court"))


def tournament_labels(sport: str, entry_kind: str) -> TournamentLabels:
    """Return the words for *sport* with *entry_kind* entries ("individual" or "team")."""
    return TournamentLabels(sport, entry_kind)


SPORT_LABELS = {
    "table_tennis": _l("Table tennis"),
    "gateball": _l("Gateball"),
    "billiards": _l("Billiards"),
    "score": _l("Other (score)"),
}
FORMAT_LABELS = {
    "round_robin": _l("Round robin"),
    "double_round_robin": _l("Double round robin"),
    "groups_knockout": _l("Groups, then a knockout"),
    "knockout": _l("Knockout"),
}
OUTCOME_LABELS = {
    "played": _l("Played to the end"),
    "walkover": _l("Walkover (not played)"),
    "retired": _l("A player retired"),
}


def sport_label(sport: str) -> str:
    return str(SPORT_LABELS.get(sport, sport))


#: Labels of the criteria that can decide a place (standings keys and ITTF steps).
CRITERION_LABELS = {
    "match_points": _l("match points"),
    "wins": _l("matches won"),
    "score_difference": _l("score difference"),
    "points_scored": _l("points scored"),
    "finished_balls": _l("finished balls"),
    "through_gate_3": _l("balls through gate 3"),
    "through_gate_2": _l("balls through gate 2"),
    "through_gate_1": _l("balls through gate 1"),
    "head_to_head": _l("head-to-head match points"),
    "head_to_head_score_difference": _l("head-to-head score difference"),
    "head_to_head_points_scored": _l("head-to-head points scored"),
    table_tennis.Criterion.MATCH_POINTS.value: _l("match points"),
    table_tennis.Criterion.MATCH_POINTS_BETWEEN_TIED.value: _l("match points between the tied"),
    table_tennis.Criterion.GAMES_RATIO_BETWEEN_TIED.value: _l("games ratio between the tied"),
    table_tennis.Criterion.POINTS_RATIO_BETWEEN_TIED.value: _l("points ratio between the tied"),
    table_tennis.Criterion.LOT.value: _l("lot"),
    "lot_drawn": _l("by lot"),
}


def criterion_label(key: str | None) -> str:
    if key is None:
        return ""
    return str(CRITERION_LABELS.get(key, key))


# How someone was checked in at the door (Attendance.method).
ATTENDANCE_METHOD_LABELS = {
    "list": _l("at the door"),
    "qr": _l("QR code"),
    "walk_in": _l("walk-in"),
}


def attendance_method_label(method: str) -> str:
    return str(ATTENDANCE_METHOD_LABELS.get(method, method))


# ---- the audit trail: each action code in words, each object type and field by name ----

AUDIT_ACTION_LABELS = {
    "calendar.token": _l("made a new personal calendar address"),
    "calendar.token_revoke": _l("stopped the personal calendar address"),
    "contest.create": _l("set up the contest"),
    "contest.update": _l("changed the contest settings"),
    "contest.panel": _l("changed the judges' panel"),
    "contest.publish": _l("published the results"),
    "contest.unpublish": _l("withdrew the results"),
    "event.create": _l("created the event"),
    "event.update": _l("changed the event"),
    "event.draft": _l("made the event a draft"),
    "event.published": _l("published the event"),
    "event.cancelled": _l("cancelled the event"),
    "group.member.add": _l("added a member to the group"),
    "group.member.remove": _l("removed a member from the group"),
    "group.save": _l("saved the group"),
    "member.import": _l("imported members from a spreadsheet"),
    "notice.send": _l("sent a notice"),
    "match.clear": _l("cleared the match result"),
    "match.correct": _l("corrected the match result"),
    "match.result": _l("entered the match result"),
    "match.move": _l("moved the match"),
    "occurrence.move": _l("moved the sitting"),
    "occurrence.skip": _l("called off the sitting"),
    "occurrence.restore": _l("restored the sitting"),
    "organisation.save": _l("saved the organisation"),
    "placing.change": _l("changed a placing sheet after submitting it"),
    "placing.submit": _l("submitted a placing sheet"),
    "pool.lot": _l("recorded the drawn lots of a group"),
    "registration.approve": _l("approved the registration"),
    "registration.cancel": _l("cancelled the registration"),
    "registration.create": _l("registered"),
    "registration.promote": _l("moved the registration up from the waiting list"),
    "registration.reject": _l("turned the registration down"),
    "score.change": _l("changed a score sheet after submitting it"),
    "score.submit": _l("submitted a score sheet"),
    "tournament.court_add": _l("added a court or table"),
    "tournament.court_remove": _l("removed a court or table"),
    "tournament.create": _l("set up the tournament"),
    "tournament.draw": _l("made the draw"),
    "tournament.draw_delete": _l("deleted the draw"),
    "tournament.entries": _l("changed the teams and seeds"),
    "tournament.referee_add": _l("appointed a referee"),
    "tournament.referee_remove": _l("removed a referee"),
    "tournament.schedule": _l("made the order of play"),
    "tournament.update": _l("changed the tournament settings"),
    "user.create": _l("created the account"),
    "user.import": _l("imported the record from a spreadsheet"),
    "user.password": _l("changed the password"),
    "user.profile": _l("changed the personal details"),
    "user.roles": _l("changed the roles"),
    "user.disable": _l("switched the account off"),
    "user.enable": _l("switched the account on again"),
    "user.merge": _l("merged a duplicate record into this one"),
    "user.merged": _l("merged this record into another one"),
    "user.sign_out_everywhere": _l("signed out on every device"),
    "user.sms_opt_out": _l("changed whether notices come by text message"),
    "venue.save": _l("saved the room"),
}
AUDIT_OBJECT_LABELS = {
    "event": _l("Event"),
    "occurrence": _l("Sitting"),
    "registration": _l("Registration"),
    "user": _l("Person"),
    "venue": _l("Room"),
    "organisation": _l("Organisation"),
    "group": _l("Group"),
    "contest": _l("Contest"),
    "score_sheet": _l("Score sheet"),
    "placing_sheet": _l("Placing sheet"),
    "tournament": _l("Tournament"),
    "tournament_match": _l("Match"),
    "tournament_pool": _l("Group"),
    "import": _l("Member import"),
}


def audit_action_label(action: str) -> str:
    """Return what *action* did, in words; an unknown code as it is."""
    return str(AUDIT_ACTION_LABELS.get(action, action))


def audit_object_label(object_type: str) -> str:
    return str(AUDIT_OBJECT_LABELS.get(object_type, object_type))


def audit_field_label(name: str) -> str:
    """Return the name of a recorded field ("capacity" -> 名额); unknown ones readable."""
    fields = {
        "title": pgettext("audit field", "Title"),
        "capacity": pgettext("audit field", "Capacity"),
        "status": pgettext("audit field", "Status"),
        "roles": pgettext("audit field", "Roles"),
        "starts_at": pgettext("audit field", "Starts"),
        "ends_at": pgettext("audit field", "Ends"),
        "venue_id": pgettext("audit field", "Room"),
        "name": pgettext("audit field", "Name"),
        "phone": pgettext("audit field", "Phone"),
        "sport": pgettext("audit field", "Sport"),
        "court": pgettext("audit field", "Court or table"),
        "reason": pgettext("audit field", "Reason"),
        "skipped": pgettext("audit field", "Called off"),
        "member_number": pgettext("audit field", "Member number"),
        "groups": pgettext("audit field", "Interest groups"),
        "active": pgettext("audit field", "Account switched on"),
        "merged_into": pgettext("audit field", "Merged into record"),
        "merged_from": pgettext("audit field", "Merged from record"),
    }
    return str(fields.get(name, name.replace("_", " ")))


def audit_value_label(name: str, value: object) -> str:
    """Return a recorded value in words where it is a code (a role, a status, a kind)."""
    text = str(value)
    if name == "roles":
        return role_label(text)
    if name == "status":
        return str(STATUS_LABELS.get(text) or REGISTRATION_STATUS_LABELS.get(text) or text)
    if name == "kind":
        return event_kind_label(text)
    return text


# ---- notices: what a member reads on their page (and by SMS), one sentence per kind ----------
#
# Written by eventsys.services.notices.notify; the values are made by notices.sentence: title,
# when (the event's or the sitting's time), from (a sitting's old time), room, reason, name and
# team (who named whom), text (staff's own words), group. A new kind adds its sentence here.

NOTICE_SENTENCES = {
    "promoted": _l("A place became free: you are now registered for “%(title)s” (%(when)s)."),
    "event_cancelled": _l("“%(title)s” (%(when)s) is cancelled and will not take place."),
    "event_moved": _l("“%(title)s” has changed: it now starts %(when)s in %(room)s."),
    "sitting_moved": _l("The sitting of “%(title)s” on %(from)s is moved to %(when)s."),
    "sitting_skipped": _l("The sitting of “%(title)s” on %(when)s is called off."),
    "sitting_restored": _l("The sitting of “%(title)s” on %(when)s takes place after all."),
    "approved": _l("Your registration for “%(title)s” (%(when)s) is approved."),
    "rejected": _l("Your registration for “%(title)s” (%(when)s) was not accepted."),
    "invited": _l(
        "%(name)s has named you on the team “%(team)s” for “%(title)s”. Please accept or "
        "decline under My registrations."
    ),
    "team_changed": _l("Your team for “%(title)s” has changed: a team-mate declined or left."),
    "results_published": _l("The results of “%(title)s” are published."),
    "tournament_finished": _l("“%(title)s” is finished: the final results are on its page."),
    "message": _l("About “%(title)s”: %(text)s"),
    "message_group": _l("To the members of %(group)s: %(text)s"),
    "group_join_accepted": _l("Welcome: you are now a member of “%(group)s”."),
    "group_join_refused": _l(
        "Your request to join “%(group)s” was not accepted. Please ask its leader or call the "
        "centre."
    ),
}
NOTICE_REASON = _l("Reason: %(reason)s")
NOTICE_UNKNOWN = _l("A notice about “%(title)s”.")
# How a notice is shown: good news, a change to look at, or plain information.
NOTICE_TONES = {
    "promoted": "success",
    "approved": "success",
    "sitting_restored": "success",
    "results_published": "success",
    "tournament_finished": "success",
    "group_join_accepted": "success",
    "group_join_refused": "warning",
    "event_cancelled": "warning",
    "event_moved": "warning",
    "sitting_moved": "warning",
    "sitting_skipped": "warning",
    "rejected": "warning",
    "team_changed": "warning",
}


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def notice_sentence(kind: str, values: dict[str, object]) -> str:
    """Return the sentence of a notice of *kind* with *values* filled in (a missing value reads
    as nothing; a reason, when given, follows the sentence)."""
    text = str(NOTICE_SENTENCES.get(kind, NOTICE_UNKNOWN)) % _Blank(values)
    if values.get("reason"):
        text = f"{text} {str(NOTICE_REASON) % _Blank(values)}"
    return text


def notice_tone(kind: str) -> str:
    return NOTICE_TONES.get(kind, "info")

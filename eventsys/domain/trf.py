"""FIDE Tournament Report File, TRF-16 (the FIDE Data Exchange Format, as JaVaFo, bbpPairings
and Swiss-Manager read it): a Swiss tournament written out and read back.

Player lines (code 001), columns counted from 1::

    1-3 001   5-8 start number   10 sex   11-13 title   15-47 name   49-52 rating
    54-56 federation   58-68 FIDE id   70-79 birth date   81-84 points   86-89 rank
    then one cell per round from column 92, ten columns apart: 4 opponent, 1 space,
    colour (w, b or -), 1 space, result

Results: 1 0 = over the board; + - a forfeit won / lost (the pairing kept its colours);
U a pairing-allocated bye, F a full-point bye, Z a zero-point bye (an absence), H a half-point
bye (refused: this house has none). Point values other than chess's 1 / ½ / 0 are written as
JaVaFo's point-system line ``XXS W=2.0 D=1.0 PAB=2.0`` (象棋: 2 / 1 / 0), which py4swiss and
JaVaFo read, so they score the file as we do; bbpPairings' BBW / BBD / BBL / BBU lines are read
too. A file is read back into players and rounds, and refused, with the line,
when it does not parse or when a player's points disagree with their games."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from eventsys.domain import swiss

_CHESS = (Fraction(1), Fraction(1, 2), Fraction(0))
_ROUND_AT = 91  # 0-based index of the first round's cell
_CELL = 10


@dataclass(frozen=True)
class Player:
    number: int
    name: str
    rating: int | None = None
    sex: str = ""
    title: str = ""
    federation: str = ""
    fide_id: str = ""
    birth: str = ""


@dataclass(frozen=True)
class Report:
    """A Swiss tournament as a TRF holds it."""

    name: str
    players: Sequence[Player]
    rounds: Sequence[Sequence[swiss.Game]]
    points: tuple[Fraction, Fraction, Fraction] = _CHESS
    bye_points: Fraction | None = None
    city: str = ""
    start: str = ""  # YYYY/MM/DD
    end: str = ""
    arbiter: str = ""
    planned_rounds: int | None = None
    criteria: Sequence[str] = field(default_factory=tuple)


def _number(value: Fraction) -> str:
    text = f"{float(value):.1f}"
    return text if Fraction(text) == value else str(value)


def _cell(number: int, seat: swiss.Seat | None, game: swiss.Game | None) -> str:
    if game is None or seat is None:
        return ""
    first, second, outcome = game
    if second is None:
        code = {swiss.BYE: "U", swiss.FORFEIT_FIRST: "F", swiss.FORFEIT_SECOND: "Z"}[outcome]
        return f"0000 - {code}"
    opponent = second if number == first else first
    colour = "w" if number == first else "b"
    if outcome == swiss.DRAW:
        result = "="
    elif outcome in (swiss.FORFEIT_FIRST, swiss.FORFEIT_SECOND):
        result = "+" if seat.result == "win" else "-"
    else:
        result = "1" if seat.result == "win" else "0"
    return f"{opponent:>4} {colour} {result}"


def export(report: Report) -> str:
    """Return the TRF-16 text of *report* (lines end with a newline)."""
    numbers = [p.number for p in report.players]
    scheme = swiss.Scheme.of(report.points, report.bye_points)
    seats = swiss.history(numbers, report.rounds, scheme)
    places, scores, _columns = swiss.ranked(seats, report.criteria)
    rank = {p: position for position, place in enumerate(places, 1) for p in place.players}
    lines = [f"012 {report.name}"]
    for code, value in (("022", report.city), ("042", report.start), ("052", report.end)):
        if value:
            lines.append(f"{code} {value}")
    lines += [
        f"062 {len(numbers)}",
        f"072 {sum(1 for p in report.players if p.rating)}",
        "082 0",
        "092 Swiss System",
    ]
    if report.arbiter:
        lines.append(f"102 {report.arbiter}")
    lines.append(f"XXR {report.planned_rounds or len(report.rounds)}")
    if (scheme.win, scheme.draw, scheme.loss) != _CHESS or report.bye_points is not None:
        values = [f"W={_number(scheme.win)}", f"D={_number(scheme.draw)}"]
        if scheme.loss:
            values += [f"{code}={_number(scheme.loss)}" for code in ("WL", "BL", "ZPB", "FL")]
        lines.append("XXS " + " ".join([*values, f"PAB={_number(scheme.bye)}"]))
    games_of: list[dict[int, swiss.Game]] = [
        {side: game for game in games for side in game[:2] if side is not None}
        for games in report.rounds
    ]
    for player in sorted(report.players, key=lambda p: p.number):
        head = (
            f"001 {player.number:>4} {player.sex[:1]:1}{player.title[:3]:>3} "
            f"{player.name[:33]:<33} {player.rating or '':>4} {player.federation[:3]:<3} "
            f"{player.fide_id[:11]:>11} {player.birth[:10]:<10} "
            f"{_number(scores[player.number]):>4} {rank[player.number]:>4}"
        )
        cells = [
            _cell(player.number, seats[player.number][r], games_of[r].get(player.number))
            for r in range(len(report.rounds))
        ]
        line = head.ljust(_ROUND_AT - 2)
        for cell in cells:
            line += "  " + (cell or " " * 8)
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


# ---- reading -----------------------------------------------------------------------------------


def _refuse(line_number: int, message: str) -> swiss.SwissError:
    return swiss.SwissError("trf", f"line {line_number}: {message}", line=line_number)


def _fraction(text: str, line_number: int) -> Fraction:
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError) as error:
        raise _refuse(line_number, f"not a number: {text.strip()!r}") from error


def _player(line: str, line_number: int) -> tuple[Player, Fraction, list[tuple[int, str, str]]]:
    padded = line.ljust(_ROUND_AT)
    try:
        number = int(padded[4:8])
    except ValueError as error:
        raise _refuse(line_number, "the start number (columns 5-8) is not a number") from error
    rating_text = padded[48:52].strip()
    if rating_text and not rating_text.isdigit():
        raise _refuse(line_number, f"the rating {rating_text!r} is not a number")
    player = Player(
        number=number,
        name=padded[14:47].strip(),
        rating=int(rating_text) if rating_text else None,
        sex=padded[9].strip(),
        title=padded[10:13].strip(),
        federation=padded[53:56].strip(),
        fide_id=padded[57:68].strip(),
        birth=padded[69:79].strip(),
    )
    points = _fraction(padded[80:84].strip() or "0", line_number)
    cells: list[tuple[int, str, str]] = []
    for start in range(_ROUND_AT, len(line), _CELL):
        cell = line[start : start + 8]
        if not cell.strip():
            cells.append((0, "-", ""))
            continue
        try:
            opponent = int(cell[0:4])
        except ValueError as error:
            raise _refuse(line_number, f"round {len(cells) + 1}: {cell!r} is no cell") from error
        colour, result = cell[5:6], cell[7:8]
        if colour not in ("w", "b", "-") or result not in "10=+-UFZH" or not result:
            raise _refuse(line_number, f"round {len(cells) + 1}: {cell!r} is no cell")
        cells.append((opponent, colour, result))
    return player, points, cells


_POINT_LINES = {"BBW": 0, "BBD": 1, "BBL": 2}  # bbpPairings
_XXS = {"W": 0, "WW": 0, "D": 1, "WD": 1, "L": 2, "WL": 2}  # JaVaFo's point system line
_TEXTS = {"012": "name", "022": "city", "042": "start", "052": "end", "102": "arbiter"}


def parse(text: str) -> Report:
    """Read a TRF-16 text; refuse it (SwissError, code "trf") when it does not hold together."""
    texts: dict[str, Any] = {"name": ""}  # header fields of Report, by name
    planned: int | None = None
    points = list(_CHESS)
    bye: Fraction | None = None
    players: list[Player] = []
    totals: dict[int, tuple[Fraction, int]] = {}
    rows: dict[int, list[tuple[int, str, str]]] = {}
    for line_number, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        line = raw.rstrip("\r")
        code, rest = line[:3], line[4:].strip()
        if not line.strip():
            continue
        if code == "001":
            player, total, cells = _player(line, line_number)
            if player.number in rows:
                raise _refuse(line_number, f"start number {player.number} appears twice")
            players.append(player)
            totals[player.number] = (total, line_number)
            rows[player.number] = cells
        elif code in _TEXTS:
            texts[_TEXTS[code]] = rest
        elif code == "XXR":
            planned = int(_fraction(rest, line_number))
        elif code in _POINT_LINES:
            points[_POINT_LINES[code]] = _fraction(rest, line_number)
        elif code == "BBU":
            bye = _fraction(rest, line_number)
        elif code == "XXS":
            for part in rest.split():
                key, _, value = part.partition("=")
                if key in _XXS:
                    points[_XXS[key]] = _fraction(value, line_number)
                elif key == "PAB":
                    bye = _fraction(value, line_number)
    if not players:
        raise swiss.SwissError("trf", "the file holds no player (no 001 line)")
    rounds = _rounds(rows, totals)
    scheme = (points[0], points[1], points[2])
    texts["planned_rounds"] = planned
    report = Report(players=players, rounds=rounds, points=scheme, bye_points=bye, **texts)
    scores = swiss.score([p.number for p in players], rounds, report.points, bye)
    for number, (total, line_number) in totals.items():
        if scores[number] != total:
            raise _refuse(
                line_number,
                f"player {number} has {_number(total)} points but their games give "
                f"{_number(scores[number])}",
            )
    return report


_OUTCOME = {
    ("1", "0"): swiss.WIN_FIRST,
    ("0", "1"): swiss.WIN_SECOND,
    ("=", "="): swiss.DRAW,
    ("+", "-"): swiss.FORFEIT_FIRST,
    ("-", "+"): swiss.FORFEIT_SECOND,
}
_ALONE = {"U": swiss.BYE, "F": swiss.FORFEIT_FIRST, "Z": swiss.FORFEIT_SECOND, "-": None}


def _rounds(
    rows: dict[int, list[tuple[int, str, str]]], totals: dict[int, tuple[Fraction, int]]
) -> list[list[swiss.Game]]:
    count = max((len(cells) for cells in rows.values()), default=0)
    rounds: list[list[swiss.Game]] = []
    for r in range(count):
        games: list[swiss.Game] = []
        for number in sorted(rows):
            line_number = totals[number][1]
            opponent, colour, result = rows[number][r] if r < len(rows[number]) else (0, "-", "")
            if not result:
                continue
            if opponent == 0:
                if result == "H":
                    raise _refuse(line_number, f"round {r + 1}: half-point byes are not used here")
                if result not in _ALONE:
                    raise _refuse(line_number, f"round {r + 1}: a result {result!r} needs a game")
                outcome = _ALONE[result]
                if outcome is not None:
                    games.append((number, None, outcome))
                continue
            if opponent not in rows:
                raise _refuse(line_number, f"round {r + 1}: no player {opponent}")
            back = rows[opponent][r] if r < len(rows[opponent]) else (0, "-", "")
            if back[0] != number or {colour, back[1]} != {"w", "b"}:
                raise _refuse(
                    line_number, f"round {r + 1}: {number} and {opponent} disagree on their game"
                )
            if colour == "b":
                continue  # the game is read from white's line
            outcome_ = _OUTCOME.get((result, back[2]))
            if outcome_ is None:
                raise _refuse(
                    line_number,
                    f"round {r + 1}: results {result!r} and {back[2]!r} do not go together",
                )
            games.append((number, opponent, outcome_))
        rounds.append(games)
    return rounds

"""Per-round rollups: what the group results pages read instead of the answers. Pure functions
over plain data (the models keep the data as JSON, see ``assessments.models.snapshots``).

A rollup holds, per cell (one team × one stakeholder group), integer sums that add up response
by response and cell by cell, so a submission adds its response in the same transaction and any
group (a team, a stakeholder group, everyone) is the sum of its cells:

* ``n``: submitted responses;
* ``vm``: how many chose each value mode, and ``answered``: how many chose any;
* ``c[number]``: ``scoring.CharacteristicSums`` (n, Σscore, Σscore², Σagree, Σdon't-know,
  not enough) then, for Cronbach's alpha over the complete responses (every item 1–5): their
  number, Σtotal, Σtotal²;
* ``i[indicator id]``: answers of don't know, 1, 2, 3, 4, 5, then Σx and Σx² over the complete
  responses of its characteristic.

Nothing in a rollup says which response gave what, or when.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from assessments import disclosure, scoring

NO_KEY = "-"  # a response without a team, or without a stakeholder group
CHARACTERISTIC_SUMS = 6  # the first six numbers of c[number] are scoring.CharacteristicSums


@dataclass(frozen=True)
class Structure:
    """A framework version's characteristics, each with its indicators' ids in order."""

    characteristics: tuple[tuple[int, tuple[int, ...]], ...]


def cell_key(team_id: int | None, group: str) -> str:
    return f"{team_id if team_id is not None else NO_KEY}|{group or NO_KEY}"


def split_key(key: str) -> tuple[int | None, str]:
    team, group = key.split("|")
    return (None if team == NO_KEY else int(team)), ("" if group == NO_KEY else group)


def empty() -> dict:
    return {"cells": {}}


def _empty_cell() -> dict:
    return {"n": 0, "vm": {"answered": 0}, "c": {}, "i": {}}


def _add_list(target: dict, key: str, values: Sequence[int]) -> None:
    current = target.get(key)
    if current is None:
        target[key] = list(values)
    else:
        target[key] = [a + b for a, b in zip(current, values, strict=True)]


def response_cell(
    structure: Structure, answers: Mapping[int, int | None], value_modes: Iterable[str]
) -> dict:
    """One submitted response as a cell. ``answers`` maps indicator id to its value (None: don't
    know); an indicator not answered is not in it."""
    cell = _empty_cell()
    cell["n"] = 1
    modes = sorted(set(value_modes))
    if modes:
        cell["vm"]["answered"] = 1
        for slug in modes:
            cell["vm"][slug] = 1
    for number, indicator_ids in structure.characteristics:
        given = [answers[i] for i in indicator_ids if i in answers]
        result = scoring.respondent_characteristic(number, given, len(indicator_ids))
        sums = scoring.contribution_of(result).to_list()
        complete = len(given) == len(indicator_ids) and all(v is not None for v in given)
        total = sum(given) if complete else 0
        cell["c"][str(number)] = [*sums, int(complete), total, total * total]
        for indicator_id in indicator_ids:
            if indicator_id not in answers:
                continue
            value = answers[indicator_id]
            counts = [0] * 6
            counts[0 if value is None else value] = 1
            squares = [value, value * value] if complete else [0, 0]
            cell["i"][str(indicator_id)] = [*counts, *squares]
    return cell


def add_cell(target: dict, other: Mapping) -> dict:
    """Add ``other`` into ``target`` (both cells); returns ``target``."""
    target["n"] += other["n"]
    for slug, count in other["vm"].items():
        target["vm"][slug] = target["vm"].get(slug, 0) + count
    for part in ("c", "i"):
        for key, values in other[part].items():
            _add_list(target[part], key, values)
    return target


def add_response(data: dict, key: str, cell: Mapping) -> dict:
    """Add one response's cell to the rollup ``data`` under ``key``; returns ``data``."""
    cells = data.setdefault("cells", {})
    add_cell(cells.setdefault(key, _empty_cell()), cell)
    return data


def combine(data: Mapping, keys: Iterable[str]) -> dict:
    """The sum of the given cells (a team, a stakeholder group, everyone)."""
    total = _empty_cell()
    cells = data.get("cells", {})
    for key in keys:
        if key in cells:
            add_cell(total, cells[key])
    return total


def characteristic_sums(cell: Mapping, number: int) -> scoring.CharacteristicSums:
    values = cell["c"].get(str(number))
    if values is None:
        return scoring.CharacteristicSums()
    return scoring.CharacteristicSums.from_list(values[:CHARACTERISTIC_SUMS])


def alpha_sums(cell: Mapping, number: int, indicator_ids: Sequence[int]) -> scoring.AlphaSums:
    values = cell["c"].get(str(number))
    if values is None:
        return scoring.AlphaSums(0, tuple((0, 0) for _ in indicator_ids), 0, 0)
    complete, total, total_sq = values[CHARACTERISTIC_SUMS:]
    items = []
    for indicator_id in indicator_ids:
        item = cell["i"].get(str(indicator_id))
        items.append((item[6], item[7]) if item else (0, 0))
    return scoring.AlphaSums(complete, tuple(items), total, total_sq)


def distribution(cell: Mapping, indicator_id: int) -> scoring.Distribution:
    values = cell["i"].get(str(indicator_id))
    if values is None:
        return scoring.Distribution((0, 0, 0, 0, 0), 0)
    return scoring.Distribution(tuple(values[1:6]), values[0])


def rebuild(
    structure: Structure,
    responses: Iterable[tuple[int | None, str, Mapping[int, int | None], Iterable[str]]],
) -> dict:
    """A rollup from scratch, from (team id, stakeholder group, answers, value modes) per
    submitted response: for rollups of rounds that had responses before there were rollups, and
    the test that adding response by response gives the same."""
    data = empty()
    for team_id, group, answers, modes in responses:
        add_response(data, cell_key(team_id, group), response_cell(structure, answers, modes))
    return data


# --- Parts waiting to be added to the figures (``disclosure.releasable``) --------------------------

EVERYONE = "everyone"
COUNT = "n"  # a response's count and value modes; its comments go with it


def row_keys(key: str) -> tuple[str, str]:
    """The team row and the stakeholder-group row a cell's responses are counted in, keyed as
    ``group_results`` keys its rows ("team:<id>" or "team:-", "group:<slug>" or "group:-")."""
    team, _, group = key.partition("|")
    return f"team:{team}", f"group:{group}"


VALUE_MODES = "vm"


def waiting_entry(structure: Structure, key: str, cell: Mapping, comments: Mapping) -> dict:
    """One submitted response as it waits to be added to the figures: its cell, its comments
    (``{"c<number>": [text]}``) and the parts of it not added yet, each added on its own:

    * ``n``: the response's count (and its comments);
    * ``vm``: the value modes it chose, if any;
    * ``c<number>``: its score on a characteristic (or that it answered too little for one);
    * ``a<number>``: its answers to that characteristic's statements in Cronbach's alpha, when
      complete;
    * ``i<indicator id>``: its answer to one statement, in that statement's distribution.

    Parts that would change no figure (a characteristic the person did not answer) are not
    listed: they add nothing."""
    parts = [COUNT]
    if cell["vm"].get("answered"):
        parts.append(VALUE_MODES)
    for number, indicator_ids in structure.characteristics:
        values = cell["c"][str(number)]
        if any(values[:CHARACTERISTIC_SUMS]):
            parts.append(f"c{number}")
        if values[CHARACTERISTIC_SUMS]:
            parts.append(f"a{number}")
        parts += [f"i{i}" for i in indicator_ids if str(i) in cell["i"]]
    return {"key": key, "cell": dict(cell), "comments": dict(comments), "waiting": parts}


def part_counts(entry: Mapping, part: str) -> tuple[tuple[str, str], ...]:
    """The counts (row, what) that adding ``part`` of ``entry`` would add 1 to: one for each
    figure a facilitator can read that it would change."""
    rows = (EVERYONE, *row_keys(entry["key"]))
    if part == COUNT:
        return tuple((row, COUNT) for row in rows)
    if part.startswith("c"):
        scored = entry["cell"]["c"][part[1:]][0]
        what = part if scored else f"{part} not enough"
        return tuple((row, what) for row in rows)
    # Value-mode shares, Cronbach's alpha and a statement's answers are for everyone only.
    return ((EVERYONE, part),)


def _part_cell(structure: Structure, cell: Mapping, part: str) -> dict:
    """A cell holding only ``part`` of ``cell``."""
    only = _empty_cell()
    if part == COUNT:
        only["n"] = cell["n"]
    elif part == VALUE_MODES:
        only["vm"] = dict(cell["vm"])
    elif part.startswith("c"):
        only["c"][part[1:]] = list(cell["c"][part[1:]][:CHARACTERISTIC_SUMS]) + [0, 0, 0]
    elif part.startswith("a"):
        number = part[1:]
        only["c"][number] = [0] * CHARACTERISTIC_SUMS + list(
            cell["c"][number][CHARACTERISTIC_SUMS:]
        )
        for indicator_id in dict(structure.characteristics)[int(number)]:
            values = cell["i"].get(str(indicator_id))
            if values is not None:
                only["i"][str(indicator_id)] = [0] * 6 + list(values[6:])
    else:
        only["i"][part[1:]] = list(cell["i"][part[1:]][:6]) + [0, 0]
    return only


def release(
    structure: Structure,
    snapshot: dict,
    comments: dict[str, list[str]],
    waiting: list[dict],
    *,
    k: int,
) -> tuple[list[dict], bool]:
    """Add to the figures (``snapshot`` data and its ``comments``, changed in place) every
    waiting part that ``disclosure.releasable`` lets go, a response's count first: its other
    parts go only once it is counted, so no row shows scores from more people than it counts.
    Returns the entries still waiting, and whether anything was added."""
    moved = False
    for first in (True, False):
        candidates = [
            (entry, part)
            for entry in waiting
            for part in entry["waiting"]
            if (part == COUNT) == first and (first or COUNT not in entry["waiting"])
        ]
        going = disclosure.releasable([part_counts(e, p) for e, p in candidates], k=k)
        for index in sorted(going):
            entry, part = candidates[index]
            add_response(snapshot, entry["key"], _part_cell(structure, entry["cell"], part))
            entry["waiting"] = [p for p in entry["waiting"] if p != part]
            if part == COUNT:
                for name, texts in entry["comments"].items():
                    comments.setdefault(name, []).extend(texts)
            moved = True
    return [entry for entry in waiting if entry["waiting"]], moved


def counted(data: Mapping) -> int:
    """How many responses the figures of ``data`` count."""
    return sum(cell["n"] for cell in data.get("cells", {}).values())

"""Per-round rollups: what the group results pages read instead of the answers. Pure functions
over plain data (the models keep the data as JSON, see ``assessments.models.results``).

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

from assessments import scoring

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

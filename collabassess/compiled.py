"""A QuerySet compiled to SQL once per process, then run with new values: for the hottest lookups.

Profiling the partner's pages under load showed the ORM spending longer compiling the journey's
one-row lookup (a response with its round and collaboration) than PostgreSQL spent running it,
on every request. ``CompiledQuery`` builds the QuerySet once, with marker values, keeps its SQL
and the compiler's description of the row (columns, converters, related objects), and then
only executes that SQL with the request's values and turns the row into model instances the
way the ORM's own iterator does. Same SQL, same objects, same converters: only the compiling
is done once.

    RESPONSE = CompiledQuery(lambda pk: Response.objects.filter(pk=pk).select_related("round"), 0)
    response = RESPONSE.first(42)

Each marker must appear exactly once among the compiled query's parameters (checked when it is
compiled). A ``select_for_update()`` QuerySet must run inside a transaction, as the ORM's would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple
    slots: tuple[int, ...]
    for_update: bool
    compiler: Any
    converters: dict
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    populators: list


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet], *markers: object) -> None:
        self._build = build
        self._markers = markers
        self._plans: dict[str, _Plan] = {}

    def _plan(self, using: str) -> _Plan:
        plan = self._plans.get(using)
        if plan is not None:
            return plan
        queryset = self._build(*self._markers).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = []
        for marker in self._markers:
            found = [i for i, param in enumerate(params) if param == marker]
            if len(found) != 1:
                raise ValueError(
                    f"Marker {marker!r} is {len(found)} times among the parameters {params!r}."
                )
            slots.append(found[0])
        select, klass_info = compiler.select, compiler.klass_info
        fields = [column[0] for column in select[: compiler.col_count]]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        plan = _Plan(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            for_update=queryset.query.select_for_update,
            compiler=compiler,
            converters=compiler.get_converters(fields),
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, using),
        )
        self._plans[using] = plan
        return plan

    def first(self, *values: object, using: str = DEFAULT_DB_ALIAS) -> Model | None:
        """The first row's object for these values (in the markers' order), or None."""
        connection = connections[using]
        if self._markers and len(values) != len(self._markers):
            raise TypeError(f"Expected {len(self._markers)} values, got {len(values)}.")
        plan = self._plan(using)
        if plan.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(plan.params)
        for slot, value in zip(plan.slots, values, strict=True):
            params[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if plan.converters:
            row = next(iter(plan.compiler.apply_converters([row], plan.converters)))
        obj = plan.model.from_db(using, plan.init_list, row[plan.start : plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        return obj

"""The demo's step registry: each feature adds the part of the demo cluster it owns.

A step is a function of a :class:`DemoContext`, registered with :func:`demo_step` in a module
listed in ``matchmaker.demo.STEP_MODULES``. Steps run in ``order`` inside one transaction; each
must be idempotent (look rows up by ``external_id`` or email before adding them) and draw its
randomness from ``context.rng(name)`` so that the same seed gives the same data.

Example, in ``matchmaker/demo/events.py``::

    @demo_step("events", order=40)
    def add_events(context: DemoContext) -> None:
        rng = context.rng("events")
        for person in context.track(context.people.values(), "Attendance"):
            ...
        context.count("events", n)
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from matchmaker.demo.generator import ClusterPlan
    from matchmaker.models import Organisation, Person

T = TypeVar("T")
# Wraps an iterable to show progress: (items, label) -> context manager yielding the items.
ProgressFactory = Callable[[list, str], AbstractContextManager[Iterable]]


def no_progress(items: list, label: str) -> AbstractContextManager[Iterable]:
    return nullcontext(items)


@dataclass
class DemoContext:
    seed: int
    today: date
    plan: ClusterPlan
    progress: ProgressFactory = no_progress
    # Filled by the steps that create them, for the steps after: by external id and by email.
    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)

    def rng(self, step_name: str) -> random.Random:
        """A random generator of its own per step: adding a step never changes the others."""
        return random.Random(f"matchmaker-demo:{self.seed}:{step_name}")

    def track(self, items: Iterable[T], label: str) -> Iterator[T]:
        items = list(items)
        with self.progress(items, label) as tracked:
            yield from tracked

    def count(self, what: str, n: int = 1) -> None:
        """Record what a step added (shown by ``demo load``)."""
        self.counts[what] += n


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    run: Callable[[DemoContext], None]


_STEPS: dict[str, DemoStep] = {}


def demo_step(name: str, *, order: int) -> Callable[[Callable[[DemoContext], None]], Callable]:
    """Register a step; registering the same name again replaces it (modules may be reloaded)."""

    def register(function: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        _STEPS[name] = DemoStep(name=name, order=order, run=function)
        return function

    return register


def registered_steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.name))

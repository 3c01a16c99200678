"""The demo cluster: a realistic, deterministic set of organisations, people and accounts.

* :mod:`matchmaker.demo.generator` — the cluster as plain data from a seed (no database);
* :mod:`matchmaker.demo.steps` — the step registry (:func:`demo_step`) features add to;
* :mod:`matchmaker.demo.cluster` — this feature's steps: organisations, people, synonyms;
* :func:`load_demo` — runs every registered step in one transaction (used by ``demo load``).

A feature that adds to the demo (events and attendance, introductions, projects) writes a
module with ``@demo_step(...)`` functions and lists it in :data:`STEP_MODULES`.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from matchmaker.demo.generator import DEFAULT_SEED, generate_cluster
from matchmaker.demo.logins import DemoLogin, demo_logins, demo_password
from matchmaker.demo.steps import (
    DemoContext,
    ProgressFactory,
    demo_step,
    no_progress,
    registered_steps,
)
from matchmaker.extensions import db
from matchmaker.models import Organisation

STEP_MODULES = (
    "matchmaker.demo.cluster",
    "matchmaker.demo.collaborations",
    "matchmaker.demo.events",
    "matchmaker.demo.introductions",
    "matchmaker.demo.projects",
    "matchmaker.demo.membership",
)

__all__ = [
    "DEFAULT_SEED",
    "STEP_MODULES",
    "DemoContext",
    "DemoLogin",
    "DemoOutcome",
    "demo_logins",
    "demo_password",
    "demo_step",
    "load_demo",
]


@dataclass
class DemoOutcome:
    loaded: bool
    counts: Counter = field(default_factory=Counter)
    logins: list[DemoLogin] = field(default_factory=list)


def load_step_modules() -> None:
    for module in STEP_MODULES:
        importlib.import_module(module)


def load_demo(
    seed: int = DEFAULT_SEED,
    *,
    if_empty: bool = False,
    today: date | None = None,
    progress: ProgressFactory = no_progress,
) -> DemoOutcome:
    """Add the demo cluster; what already exists (by external id or email) is left as it is.

    With ``if_empty``, nothing is written when any organisation exists. One commit, or nothing.
    """
    if if_empty and db.session.scalar(select(Organisation.id).limit(1)) is not None:
        return DemoOutcome(loaded=False, logins=demo_logins())
    load_step_modules()
    today = today or date.today()
    context = DemoContext(
        seed=seed, today=today, plan=generate_cluster(seed, today), progress=progress
    )
    try:
        for step in registered_steps():
            step.run(context)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return DemoOutcome(loaded=True, counts=context.counts, logins=demo_logins())

"""What a scheduled job is: an id, a service function to call, and when to call it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

TIMEZONE = "Europe/Paris"


@dataclass(frozen=True)
class Every:
    """A fixed interval, given in code or read (in seconds) from a config setting."""

    seconds: int = 0
    minutes: int = 0
    hours: int = 0
    setting: str | None = None

    def trigger(self, config: dict) -> BaseTrigger:
        if self.setting:
            return IntervalTrigger(seconds=int(config[self.setting]), timezone=TIMEZONE)
        return IntervalTrigger(
            seconds=self.seconds, minutes=self.minutes, hours=self.hours, timezone=TIMEZONE
        )

    def __str__(self) -> str:
        if self.setting:
            return f"every {self.setting} seconds"
        return f"every {self.hours}h {self.minutes}m {self.seconds}s"


@dataclass(frozen=True)
class Cron:
    """Calendar times in Europe/Paris, with APScheduler's cron fields (hour, day_of_week...)."""

    fields: dict = field(default_factory=dict)

    def trigger(self, config: dict) -> BaseTrigger:
        return CronTrigger(timezone=TIMEZONE, **self.fields)

    def __str__(self) -> str:
        return "cron " + " ".join(f"{key}={value}" for key, value in self.fields.items())


def every(setting: str | None = None, *, seconds: int = 0, minutes: int = 0, hours: int = 0):
    """``every("MAIL_DRAIN_INTERVAL_SECONDS")`` or ``every(hours=1)``."""
    if not setting and not (seconds or minutes or hours):
        raise ValueError("give an interval or the name of a setting")
    return Every(seconds=seconds, minutes=minutes, hours=hours, setting=setting)


def cron(**fields: Any) -> Cron:
    """``cron(day_of_week="mon", hour=8)``: Europe/Paris wall-clock times."""
    return Cron(fields=fields)


@dataclass(frozen=True)
class Job:
    """``target`` is ``"package.module:function"``, called with no arguments inside an app
    context. Its return value is logged; a falsy one from a ``quiet`` job only at debug level
    (for frequent jobs that usually find nothing to do)."""

    id: str
    target: str
    when: Every | Cron
    run_at_start: bool = False
    quiet: bool = False

    def resolve(self) -> Callable[[], Any]:
        module_name, _, function_name = self.target.partition(":")
        function = getattr(importlib.import_module(module_name), function_name, None)
        if not callable(function):
            raise LookupError(f"job {self.id}: {self.target} is not a function")
        return function

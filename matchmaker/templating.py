"""Template globals and filters: labels of the fixed vocabularies, locale-aware formatting."""

from __future__ import annotations

from functools import partial

from babel import numbers
from flask import Flask, request
from flask_babel import format_decimal, get_locale

from matchmaker import domain
from matchmaker.navigation import main_menu, personal_menu


def label_of(labels: dict, code: str | None) -> str:
    """The translated label of a stored code; the code itself if it is unknown."""
    if code is None:
        return ""
    for key, label in labels.items():
        if key == code:
            return str(label)
    return code


def add_label_filters(blueprint, **labels: dict) -> None:
    """Register one template filter per vocabulary: ``name=LABELS`` gives ``{{ code|name }}``."""
    for name, mapping in labels.items():
        blueprint.add_app_template_filter(partial(label_of, mapping), name)


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        domain=domain,
        main_menu=main_menu,
        personal_menu=personal_menu,
        label_of=label_of,
        KIND_LABELS=domain.KIND_LABELS,
        SECTOR_LABELS=domain.SECTOR_LABELS,
        REGION_LABELS=domain.REGION_LABELS,
        FOCUS_AREA_LABELS=domain.FOCUS_AREA_LABELS,
        ROLE_LABELS=domain.ROLE_LABELS,
        LANGUAGE_LABELS=domain.LANGUAGE_LABELS,
    )
    app.jinja_env.filters.update(
        kind_label=lambda code: label_of(domain.KIND_LABELS, code),
        sector_label=lambda code: label_of(domain.SECTOR_LABELS, code),
        region_label=lambda code: label_of(domain.REGION_LABELS, code),
        focus_area_label=lambda code: label_of(domain.FOCUS_AREA_LABELS, code),
        role_label=lambda code: label_of(domain.ROLE_LABELS, code),
        # Rounding first keeps the locale's own pattern ("12,5 %" in French, "12.5%" in English).
        percent=lambda value, digits=0: numbers.format_percent(
            round(value, digits + 2), locale=get_locale(), decimal_quantization=False
        ),
        decimal=format_decimal,
    )

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])}

    @app.context_processor
    def inject_current_path():
        return {"current_path": request.full_path.rstrip("?") if request else "/"}

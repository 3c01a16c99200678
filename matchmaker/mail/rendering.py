"""Rendering emails from templates, in the recipient's language.

``templates/email/<name>.txt`` holds ``{% block subject %}`` and ``{% block body %}``;
``templates/email/<name>.html`` (optional) extends ``email/layout.html``. Mail of an optional
category gets an unsubscribe footer (``unsubscribe_url`` in the context) in both versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from jinja2 import TemplateNotFound

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None


def single_line(value: str) -> str:
    """Header values never carry line breaks: that is how header injection is ruled out."""
    return _WHITESPACE.sub(" ", value).strip()


def _render_block(template, block: str, context: dict) -> str:
    render = template.blocks[block]
    return "".join(render(template.new_context(context))).strip()


def render_email(template_name: str, context: dict, locale: str) -> RenderedEmail:
    env = current_app.jinja_env
    with force_locale(locale):
        full_context = {
            **context,
            "locale": locale,
            "cluster_name": current_app.config["CLUSTER_NAME"],
        }
        current_app.update_template_context(full_context)
        text_template = env.get_template(f"email/{template_name}.txt")
        subject = single_line(_render_block(text_template, "subject", full_context))
        text = _render_block(text_template, "body", full_context) + "\n"
        if full_context.get("unsubscribe_url"):
            # Mail a person may stop carries the way to stop it, in every template alike.
            footer = env.get_template("email/_unsubscribe_footer.txt").render(full_context)
            text += "\n-- \n" + footer.strip() + "\n"
        try:
            html_template = env.get_template(f"email/{template_name}.html")
        except TemplateNotFound:
            html = None
        else:
            html = html_template.render({**full_context, "subject": subject})
    return RenderedEmail(subject=subject, text=text, html=html)

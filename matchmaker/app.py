"""The application factory: one ``register_*`` function per concern."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from config import BaseConfig, config_for

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(config: str | type[BaseConfig] | None = None, **overrides: Any) -> Flask:
    """Build the app. ``config`` is a config name or class; ``overrides`` win over both."""
    config_class = config if isinstance(config, type) else config_for(config)
    app = Flask(
        "matchmaker",
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
        instance_path=str(overrides.get("INSTANCE_DIR", config_class.INSTANCE_DIR)),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "MATCHMAKER_SECRET_KEY is not set: the production configuration refuses to start "
            "without a secret key of its own."
        )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def register_proxies(app: Flask) -> None:
    """Behind reverse proxies, take the client's address and scheme from the headers they set."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    from matchmaker import i18n
    from matchmaker.database import configure_engine_events
    from matchmaker.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_engine_events(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"],
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.LOGIN_REQUIRED_MESSAGE
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from matchmaker.services.accounts import load_user_from_session_id

    login_manager.user_loader(load_user_from_session_id)


def register_blueprints(app: Flask) -> None:
    from matchmaker.account.routes import bp as account_bp
    from matchmaker.auth.routes import bp as auth_bp
    from matchmaker.dashboard.routes import bp as dashboard_bp
    from matchmaker.directory.routes import bp as directory_bp
    from matchmaker.events.routes import bp as events_bp
    from matchmaker.imports.routes import bp as imports_bp
    from matchmaker.introductions.routes import bp as introductions_bp
    from matchmaker.main.routes import bp as main_bp
    from matchmaker.notifications.routes import bp as notifications_bp
    from matchmaker.organisations.routes import bp as organisations_bp
    from matchmaker.outbox.routes import bp as outbox_bp
    from matchmaker.pairings.routes import bp as pairings_bp
    from matchmaker.people.routes import bp as people_bp
    from matchmaker.preferences.routes import bp as preferences_bp
    from matchmaker.profile.routes import bp as profile_bp
    from matchmaker.projects.routes import bp as projects_bp
    from matchmaker.suggestions.routes import bp as suggestions_bp
    from matchmaker.tags.routes import bp as tags_bp
    from matchmaker.users.routes import bp as users_bp

    for blueprint in (
        main_bp,
        auth_bp,
        account_bp,
        preferences_bp,
        users_bp,
        directory_bp,
        organisations_bp,
        people_bp,
        profile_bp,
        tags_bp,
        events_bp,
        outbox_bp,
        introductions_bp,
        projects_bp,
        notifications_bp,
        suggestions_bp,
        pairings_bp,
        imports_bp,
        dashboard_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from matchmaker.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from matchmaker.templating import register

    register(app)


def register_security_headers(app: Flask) -> None:
    csp = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    )

    @app.after_request
    def set_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def register_commands(app: Flask) -> None:
    from matchmaker.cli import register

    register(app)

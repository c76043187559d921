"""The app factory: every route in one list, the middleware, and start-up."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import jinja2
from litestar import Litestar, Request
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.router import Router
from litestar.template import TemplateConfig

from core import clock, roles
from forms.loader import builtin_forms
from server import calendar, errors, i18n, js_catalog, menu, static, thaidate
from server import office as office_frame
from server.access import PUBLIC as ANYONE
from server.access import role_guard
from server.auth import LoginLimiter
from server.config import PWA, Settings
from server.db import Database
from server.middleware import SessionAuth
from server.migrations import apply as migrate
from server.openapi import ApiDocument
from server.reference import publish_form
from server.reports import pdf
from server.routes import (
    admin,
    admin_forms,
    admin_policies,
    attachments,
    coordinates,
    office,
    paper,
    plans,
    providers,
    reports,
    secretary,
    session,
    submissions,
    sync_api,
    tablet,
    terms,
    users,
)
from server.shell import refresh_forms
from sync.attachments import expire_orphans

ROUTES = [
    # Accounts
    session.login_page,
    session.login,
    session.logout,
    session.set_language,
    session.password_page,
    session.change_password_route,
    # The installable tablet app
    tablet.home,
    tablet.form_page,
    tablet.notebook_page,
    tablet.handover_page,
    tablet.service_worker,
    tablet.manifest,
    tablet.health,
    # Sync protocol
    sync_api.me,
    sync_api.push,
    sync_api.pull,
    attachments.upload,
    attachments.download,
    # Compiling results (online)
    secretary.observations,
    secretary.record_detail,
    # The secretary's compilation: summaries, print and PDF, exports, themes, sync health, own reports
    reports.reports_home,
    reports.network_report,
    reports.network_print,
    reports.visit_list,
    reports.notebook,
    reports.travel,
    reports.save_travel_days,
    reports.committee,
    reports.export_xlsx,
    reports.export_csv,
    reports.theme_report,
    reports.area_report,
    reports.area_print,
    reports.sync_health,
    reports.own_report,
    reports.save_own_report,
    # Administration (online)
    admin_forms.forms_page,
    admin_forms.check_definition,
    admin_forms.publish_definition_route,
    admin_forms.change_state,
    admin_policies.policies_page,
    admin_policies.publish_policies,
    paper.blank_form,
    # Visit plans and semester coverage (online, htmx)
    plans.plans_overview,
    plans.new_visit,
    plans.create_visit,
    plans.create_visit_api,
    plans.visit_page,
    plans.edit_visit,
    plans.update_visit,
    plans.cancel_visit,
    # Reference data: import (upload, confirm, undo) and export
    admin.imports_page,
    admin.upload,
    admin.confirm,
    admin.undo,
    admin.export,
    users.users_page,
    users.deactivate,
    users.reactivate,
    users.reset_password,
    users.edit,
    # Administration: semester dates
    terms.terms_page,
    terms.save_term,
    # The chain of reports up the office: send, decide, note, print what was sent
    submissions.inbox,
    submissions.new_network_report,
    submissions.send_network_report,
    submissions.send_own_report,
    submissions.detail,
    submissions.decide,
    submissions.note,
    submissions.print_version,
    # The office's frame of printed documents
    office.office_page,
    office.save_office,
    coordinates.coordinates_page,
    coordinates.save_coordinates,
]

PUBLIC = ["^/login", "^/lang/", "^/static/", "^/sw.js", "^/manifest.webmanifest", "^/healthz", "^/schema"]
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)

#: Every answer compressed when the client accepts it: brotli, else gzip (Chromium offers brotli only over
#: HTTPS). Not what is compressed already: photos, XLSX (a zip); nor static files, compressed once ahead.
COMPRESSION = CompressionConfig(
    backend="brotli",
    brotli_gzip_fallback=True,
    gzip_compress_level=6,
    exclude=["^/static/", "^/api/attachments/", r"\.xlsx$"],  # static files: precompressed (server/static.py)
)


def templates() -> TemplateConfig[JinjaTemplateEngine]:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PWA / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_callables(i18n.gettext_, i18n.ngettext_, newstyle=True)  # type: ignore[attr-defined]
    env.filters["be_date"] = thaidate.format_date
    env.filters["be_datetime"] = thaidate.format_datetime
    env.globals["term_label"] = calendar.term_label
    env.globals["roles"] = roles
    env.filters["office_digits"] = jinja2.pass_context(
        lambda ctx, html: office_frame.digits(html, ctx["office"].digits)
    )
    env.filters["kept_words"] = office_frame.kept_words
    env.filters["whole_names"] = office_frame.whole_names
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))


async def set_locale(request: Request[Any, Any, Any]) -> None:
    # Async on purpose: Litestar runs a sync hook in a worker thread, where this setting would be lost.
    i18n.current_locale.set(i18n.pick(request.cookies.get("lang")))


SECURITY_HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
    b"permissions-policy": b"geolocation=(), microphone=()",
}


#: Answers a browser may keep: the static files (named by version or revalidated) and the public shell files.
CACHEABLE = ("/static/", "/sw.js", "/manifest.webmanifest")


async def security_headers(message: Any, scope: Any) -> None:
    """On every answer, error answers from middleware (401, CSRF 403) included: a `before_send` hook sees
    each response start, where an `after_request` hook misses answers that never reached a handler.
    Everything but static files is `no-store`: a shared browser keeps no page, export, PDF or API answer of
    a signed-in user (the app shell the service worker caches is dropped at logout, pwa/static/js/app.js)."""
    if message["type"] != "http.response.start":
        return
    present = {name.lower() for name, _value in message.get("headers", [])}
    extra = dict(SECURITY_HEADERS)
    if not str(scope.get("path", "")).startswith(CACHEABLE):
        extra[b"cache-control"] = b"no-store"
    message["headers"] = [
        *message.get("headers", []),
        *((name, value) for name, value in extra.items() if name not in present),
    ]


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    clock.use_zone(settings.timezone)
    db = Database(
        settings.db_path,
        busy_ms=settings.busy_timeout_ms,
        max_pages=settings.max_db_pages,
        report_workers=settings.report_workers,
        ingest_workers=settings.ingest_workers,
    )

    def startup(app: Litestar) -> None:
        db.write_sync(migrate)
        db.write_sync(expire_orphans, settings.db_path.parent / "attachments", dt.datetime.now(dt.UTC))
        for form in builtin_forms():
            db.write_sync(publish_form, form)
        refresh_forms(app.state)
        app.state.office = db.write_sync(office_frame.load)
        app.state.menu = menu.from_routes(app.routes)

    def shutdown(app: Litestar) -> None:
        db.close()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return Litestar(
        route_handlers=[
            *ROUTES,
            static.static_file,
        ],
        guards=[role_guard],
        dependencies=providers.DEPENDENCIES,
        # `request.htmx` picks a page or its fragment (the same template the page includes).
        plugins=[HTMXPlugin()],
        state=State(
            {
                "db": db,
                "settings": settings,
                "limiter": LoginLimiter(),
                "static": static.load() | js_catalog.files(),
                "printed": pdf.Printed(),
            }
        ),
        on_startup=[startup],
        on_shutdown=[shutdown],
        before_request=set_locale,
        before_send=[security_headers],
        middleware=[DefineMiddleware(SessionAuth, exclude=PUBLIC)],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_name=settings.csrf_cookie,
            exclude=["^/static/", "^/sw.js", "^/manifest.webmanifest"],
        ),
        exception_handlers={Exception: errors.handle},
        template_config=templates(),
        openapi_config=OpenAPIConfig(
            title="Nithet sync API",
            version="1",
            # Only the JSON document: the HTML viewers would load scripts from other sites.
            render_plugins=[ApiDocument()],
            openapi_router=Router(
                path="/schema", route_handlers=[], opt={"roles": ANYONE}, include_in_schema=False
            ),
        ),
        request_max_body_size=settings.max_body_bytes,
        compression_config=COMPRESSION,
        debug=False,
    )

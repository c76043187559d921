"""What every page is rendered with: the user, the language, and the strings the tablet's JS needs."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.response import Template
from markupsafe import Markup

from server.i18n import _, current_locale
from sync.problems import CATALOG, N_

#: Strings the JavaScript shows, looked up through the same catalog as the templates.
JS_MESSAGES = {
    "state.draft": N_("Draft"),
    "state.pending": N_("Waiting to sync"),
    "state.synced": N_("Synced"),
    "state.rejected": N_("Rejected"),
    "state.conflict": N_("Conflict"),
    "sync.now": N_("Sync now"),
    "sync.running": N_("Syncing…"),
    "sync.receiving_reference": N_("Receiving schools and visit plans…"),
    "sync.receiving": N_("Receiving data…"),
    "sync.done": N_("All records synced"),
    "sync.offline": N_("Offline: records are kept on this tablet"),
    "sync.failed": N_("Sync failed; will retry"),
    "sync.login": N_("Session expired: log in to sync. Your records are safe on this tablet."),
    "sync.unsynced": N_("Unsynced records"),
    "sync.last": N_("Last sync"),
    "storage.persisted": N_("Storage is persistent"),
    "storage.not_persisted": N_("Storage may be cleared by the browser: sync soon"),
    "storage.used": N_("Storage used"),
    "storage.low": N_("Storage is nearly full: sync or export unsent records now"),
    "form.saved": N_("Saved on this tablet"),
    "form.finalize": N_("Finalize"),
    "form.finalized": N_("Finalized; it will sync when online"),
    "form.has_errors": N_("Please fix the highlighted answers"),
    "form.edit": N_("Edit"),
    "form.new": N_("New observation"),
    "form.choose": N_("Choose…"),
    "form.choose_school_first": N_("Choose the school first"),
    "form.readonly": N_("Read only: press Edit to change it (that makes a new revision)"),
    "list.empty": N_("No records on this tablet yet"),
    "list.untitled": N_("Untitled record"),
    "conflict.title": N_("Someone else changed this record"),
    "conflict.server": N_("Version on the server"),
    "conflict.mine": N_("My version"),
    "conflict.keep_mine": N_("Keep my version"),
    "conflict.take_server": N_("Use the server's version"),
    "update.available": N_("A new version of the app is ready"),
    "update.apply": N_("Update now"),
    "update.later": N_("Later"),
    "update.finish_form": N_("Finish or leave the open form first; the update will wait."),
    "export.unsent": N_("Export unsent records"),
    "feedback.counts": N_("Pupils by grade"),
    "err.required": N_("This answer is required"),
    "err.constraint": N_("This answer is not allowed"),
    "err.type": N_("This answer has the wrong type"),
    "err.range": N_("This answer is out of range"),
    "err.choice": N_("Choose one of the options"),
    "err.too_long": N_("This answer is too long"),
    "err.evidence_required": N_("Evidence is required for this score"),
    "err.not_relevant": N_("This answer should be empty"),
    "err.unknown_field": N_("Unknown answer"),
    "err.calculation": N_("The calculated value does not match"),
    "err.items": N_("Wrong number of items"),
    "err.photo": N_("This photo answer is not valid; take the photo again"),
    "err.photo_too_large": N_("This photo is too large"),
    "err.confirmation": N_("Type your name and tick to confirm"),
    "err.snapshots": N_("The snapshots are not complete or not in order"),
    "err.grid": N_("The reading grid result is not valid; start the grid again"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "repeat.remove_confirm": N_("Remove this item and its answers?"),
    "form.no_observations": N_("No observation records of this school on this tablet"),
    "photo.resizing": N_("Resizing the photo…"),
    "photo.failed": N_("This photo could not be read; try another"),
    "photo.not_on_tablet": N_("the photo is not on this tablet"),
    "confirm.at": N_("Confirmed at"),
    "snap.activity": N_("Learning activity"),
    "snap.off_task": N_("Off task"),
    "snap.prompt": N_("Snapshot"),
    "snap.due": N_("A snapshot is due now: answer both questions"),
    "snap.next": N_("Next snapshot at"),
    "snap.done": N_("All snapshots recorded"),
    "snap.answer_both": N_("Answer both questions first"),
    "grid.attempted": N_("Words attempted"),
    "grid.wrong": N_("wrong"),
    "grid.correct": N_("correct"),
    "grid.seconds": N_("seconds"),
    "grid.stopped_early": N_("Stopped early: the whole first row was wrong"),
    "grid.running": N_("Timing: tap each word read wrong"),
    "grid.mark_last": N_("Time is up: tap the last word the pupil read"),
    "grid.done": N_("Done"),
    "visit.morning": N_("Morning"),
    "visit.afternoon": N_("Afternoon"),
    "visit.today": N_("Today's visits"),
    "visit.none": N_("No visits planned for today"),
    "visit.observe": N_("Observe a class"),
    "state.none": N_("Not started"),
    "today.finalized": N_("Finalized, waiting to sync"),
    "today.start": N_("Start"),
    "today.continue": N_("Continue"),
    "today.open": N_("Open"),
    "today.my_classrooms": N_("My classrooms"),
    "today.team_classrooms": N_("The team's other classrooms"),
    "today.no_classrooms": N_("No classroom is assigned to you at this school"),
    "today.school_forms": N_("For the whole school"),
    "today.previous_actions": N_("Actions agreed at the previous visit"),
    "today.previous_none": N_("No earlier agreed actions of this school on this tablet"),
    "today.close_in_reflection": N_("Close each one in today's reflection meeting"),
    "today.closes": N_("Earlier actions to close:"),
    "today.not_closed": N_("Not closed yet"),
    "today.owner": N_("Owner"),
    "today.due": N_("Due"),
    "today.room": N_("Room"),
    "today.observer": N_("Observer"),
    "action.done": N_("Carried out"),
    "action.in_progress": N_("In progress"),
    "action.not_done": N_("Not done"),
    "tool.observation": N_("Classroom observation"),
    "tool.reflection": N_("Reflection meeting"),
    "tool.policy": N_("Policy follow-up"),
    "tool.literacy": N_("Literacy and numeracy check"),
    "grade.k": N_("Kindergarten"),
    "grade.p1": N_("Grade 1"),
    "grade.p2": N_("Grade 2"),
    "grade.p3": N_("Grade 3"),
    "grade.p4": N_("Grade 4"),
    "grade.p5": N_("Grade 5"),
    "grade.p6": N_("Grade 6"),
    "account.signed_out": N_("You are logged out"),
    "account.signed_out_note": N_(
        "Records not sent yet stay on this tablet and are sent when you log in again. "
        "Connect to the internet to log in."
    ),
    "account.others_unsent": N_(
        "{name} ({username}) has {count} records on this tablet not sent yet. They stay here and are sent "
        "only when {username} logs in on this tablet."
    ),
    "form.linked_visit": N_("Linked to the planned visit of"),
    "sync.login_missing": N_("Log in again to sync. Your records are safe on this tablet."),
}


def island(value: Any) -> Markup:
    """JSON safe to place inside <script type="application/json">: no `<` can close the element."""
    return Markup(msgspec.json.encode(value).decode().replace("<", "\\u003c"))  # noqa: S704 - escaped above


def js_messages() -> Markup:
    strings = {key: _(msg) for key, msg in JS_MESSAGES.items()}
    strings |= {f"problem.{code}": _(p.title) for code, p in CATALOG.items()}
    return island(strings)


def page(request: Request[Any, Any, Any], template: str, **context: Any) -> Template:
    user = request.scope.get("user")
    return Template(
        template_name=template,
        context={
            "user": user,
            "lang": current_locale.get(),
            "js_messages": js_messages(),
            "build": request.app.state.build,
            "request_path": request.url.path,
            "office": request.app.state.office,
            **context,
        },
    )

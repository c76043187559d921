"""The one error catalog: every stable code the API and the sync receipts can answer with.

Titles are English message ids; the server translates them (Thai first) through the one catalog.
"""

from __future__ import annotations

import msgspec


def N_(message: str) -> str:
    return message


class Problem(msgspec.Struct, frozen=True):
    code: str
    status: int
    title: str


CATALOG: dict[str, Problem] = {
    p.code: p
    for p in (
        # Whole requests
        Problem("malformed_batch", 400, N_("The sync batch could not be read")),
        Problem("batch_too_large", 413, N_("The sync batch has too many records or is too large")),
        Problem("invalid_request", 400, N_("The request is not valid")),
        Problem("not_authenticated", 401, N_("Please log in again to sync")),
        Problem("forbidden", 403, N_("Your role cannot do this")),
        Problem("not_found", 404, N_("Not found")),
        Problem("method_not_allowed", 405, N_("This address does not answer that method")),
        Problem(
            "request_cut_off",
            400,
            N_("The connection was cut before the request was complete; send it again"),
        ),
        Problem("csrf_failed", 403, N_("The page is out of date; reload it and try again")),
        Problem("bad_credentials", 401, N_("Wrong username or password")),
        Problem(
            "password_expired",
            401,
            N_("This one-time password has expired; ask the administrator for a new one"),
        ),
        Problem("password_change_required", 403, N_("Choose your own password first (Change password)")),
        Problem("too_many_attempts", 429, N_("Too many attempts; wait a minute and try again")),
        Problem("server_busy", 503, N_("The server is busy; your records are kept, try again shortly")),
        Problem(
            "storage_full", 503, N_("The server's storage is full; your records are kept, try again later")
        ),
        Problem("server_error", 500, N_("Something went wrong on the server; your records are kept")),
        # One record of a batch (a receipt with status "rejected")
        Problem("malformed_record", 422, N_("The record could not be read")),
        Problem("unknown_form", 422, N_("This form or form version is not known to the server")),
        Problem("form_closed", 422, N_("This form is closed: it takes no more records")),
        Problem("school_out_of_scope", 422, N_("This school is not in your networks")),
        Problem("unknown_teacher", 422, N_("This teacher is not on the school's list")),
        Problem("invalid_answers", 422, N_("Some answers break the form's rules")),
        Problem("record_too_large", 422, N_("The record is too large")),
        Problem(
            "record_failed", 422, N_("The server could not process this record; nothing of it was stored")
        ),
        Problem("revision_reused", 422, N_("This revision was already sent with other content")),
        Problem(
            "attachment_missing",
            422,
            N_("A photo of this record has not reached the server yet; it will be sent again"),
        ),
        # Attachment uploads
        Problem("attachment_invalid", 422, N_("The photo could not be accepted")),
        Problem("attachment_too_large", 413, N_("The photo is too large (at most 2 MB after resizing)")),
        Problem(
            "attachment_quota",
            413,
            N_("Too many photos wait on the server for their records; sync those records first"),
        ),
        # Publishing forms
        Problem("definition_invalid", 422, N_("The form definition has problems; nothing was published")),
        # Visit plans (server/plans.py)
        Problem("invalid_plan", 422, N_("The visit plan is not valid")),
        Problem(
            "team_member_double_booked", 409, N_("A team member is already booked at another school then")
        ),
        # Reference data imports (server/imports/)
        Problem("import_invalid", 422, N_("The file has errors; nothing was imported")),
        Problem("import_not_pending", 409, N_("This import was already applied or cancelled")),
        Problem("import_undo_blocked", 409, N_("The last import cannot be undone")),
        Problem("nothing_to_undo", 404, N_("There is no import to undo")),
        # User accounts (server/accounts.py)
        Problem("user_invalid", 422, N_("The user account is not valid")),
        Problem("user_not_found", 404, N_("There is no such user")),
        # Semester dates (server/terms.py)
        Problem("invalid_term", 422, N_("The semester dates are not valid; nothing was saved")),
        # The chain of reports (server/submissions.py)
        Problem("submission_refused", 409, N_("The report cannot be sent or decided like this")),
        Problem("invalid_office", 422, N_("The office details are not valid; nothing was saved")),
    )
}


def problem(code: str) -> Problem:
    return CATALOG[code]

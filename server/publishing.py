"""Publishing form versions from an uploaded file: check → report → publish. A definition that does not
pass every check of forms/loader.py is never published, so it never reaches a tablet."""

from __future__ import annotations

from collections.abc import Container

import msgspec
import sqlite_utils

from core.problems import N_
from forms.loader import DefinitionError, check, load_text
from forms.model import FormDef
from forms.xlsform import XLSFormError, XLSProblem, import_xlsform
from server.lifecycle import start_as_draft
from server.reference import publish_form


class Report(msgspec.Struct, kw_only=True):
    """What an admin sees after uploading: the problems, or the form and how it would be published."""

    filename: str
    problems: list[XLSProblem] = []
    notices: list[XLSProblem] = []
    form: FormDef | None = None
    #: The checked definition as JSON, carried to the publish step (checked again there).
    definition: str = ""
    already_published: bool = False


def check_upload(filename: str, data: bytes, published: Container[tuple[str, int]]) -> Report:
    """Check an upload (blocking work: call it off the event loop); nothing is written. `published`: the
    (form, version) pairs already published."""
    name = filename.rsplit("/", 1)[-1] or "upload"
    try:
        if name.lower().endswith((".xlsx", ".xlsm")):
            form, notices = import_xlsform(data, filename=name)
        elif name.lower().endswith(".toml"):
            form, notices = load_text(data.decode("utf-8"), source=name), list[XLSProblem]()
        else:
            return Report(
                filename=name,
                problems=[
                    XLSProblem("file", None, None, N_("upload a .toml definition or an .xlsx XLSForm"))
                ],
            )
    except XLSFormError as exc:
        return Report(filename=name, problems=exc.problems)
    except DefinitionError as exc:
        return Report(filename=name, problems=[definition_problem(exc)])
    except UnicodeDecodeError:
        return Report(
            filename=name, problems=[XLSProblem("file", None, None, N_("the file is not UTF-8 text"))]
        )
    return Report(
        filename=name,
        notices=notices,
        form=form,
        definition=msgspec.json.encode(form).decode(),
        already_published=(form.id, form.version) in published,
    )


def definition_problem(exc: DefinitionError) -> XLSProblem:
    return XLSProblem(
        exc.source, None, None, N_("{where}: {problem}"), {"where": exc.where, "problem": exc.problem}
    )


def publish_definition(db: sqlite_utils.Database, definition: str, by: str = "") -> FormDef:
    """Decode and check again (the browser carried it), then publish (a new form as a draft, see
    server/lifecycle.py); raises DefinitionError."""
    try:
        form = msgspec.json.decode(definition, type=FormDef)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise DefinitionError("upload", "structure", str(exc)) from None
    check(form, source=f"{form.id} v{form.version}")
    start_as_draft(db, form.id, by)
    if not publish_form(db, form):
        raise DefinitionError(
            f"{form.id} v{form.version}", "version", "this version is already published; raise the version"
        )
    return form

"""The application as a journey: each section's state in a draft, where to go after a section, and
the answers that "check your answers" lists. Sections come from sections.py, forms from forms/."""

import copy
import uuid
from dataclasses import dataclass

from django.db import models
from django.utils.datastructures import MultiValueDict

from .forms import APPLICATION_FORMS
from .models import DocumentKind
from .sections import Section, answer, tasks_of


class State(models.TextChoices):
    """A task's state on the task list (the GOV.UK task list's tags)."""

    CANNOT_START = "cannot-start", "Cannot start yet"
    NOT_STARTED = "not-started", "Not started"
    IN_PROGRESS = "in-progress", "In progress"
    COMPLETED = "completed", "Completed"


@dataclass(frozen=True)
class Task:
    section: Section
    state: State


def section_form(kind, section, *, programs, draft=None, data=None, files=None, later=False, **kwargs):
    """The form of one section's page. `later`: "save and come back later" (only the shape is checked)."""
    return APPLICATION_FORMS[kind](
        data, files, instance=draft, programs=programs, section=section.slug, draft=later, **kwargs
    )


def _is_filled(value):
    return value not in (None, "", [], (), False)


def section_state(kind, section, *, draft, programs):
    """Completed when the draft's answers to the section pass its page's checks (required fields
    filled and valid, the documents the program requires kept); in progress when something is
    answered; not started otherwise. Without a draft only the first section can be started: the
    program decides the documents, and the draft row needs it."""
    if draft is None:
        return State.NOT_STARTED if section == tasks_of(kind)[0] else State.CANNOT_START
    # Copies: validating a ModelForm writes the cleaned values into its instance.
    unbound = section_form(kind, section, programs=programs, draft=copy.copy(draft))
    data = {name: unbound[name].value() for name in unbound.fields if name != "submission_key"}
    filled = any(_is_filled(value) for value in data.values()) or bool(section.documents and unbound.stored_documents)
    data["submission_key"] = str(draft.submission_key or uuid.uuid4())
    bound = section_form(kind, section, programs=programs, draft=copy.copy(draft), data=data, files=MultiValueDict())
    if bound.is_valid():
        # A documents section with nothing kept and nothing required is complete as it is.
        return State.COMPLETED
    return State.IN_PROGRESS if filled else State.NOT_STARTED


def tasks(kind, *, draft, programs):
    """Every task of `kind` with its state in `draft` (None: nothing saved yet)."""
    return [Task(section, section_state(kind, section, draft=draft, programs=programs)) for section in tasks_of(kind)]


def next_task(task_list, after):
    """The first task after the section `after` that is not completed, else the first before it; None
    when every task is complete."""
    slugs = [task.section.slug for task in task_list]
    position = slugs.index(after) if after in slugs else -1
    ordered = task_list[position + 1 :] + task_list[: position + 1]
    return next((task for task in ordered if task.state != State.COMPLETED), None)


@dataclass(frozen=True)
class Answer:
    """One row of "check your answers": the question as the form asks it, and the answer as read."""

    name: str
    label: str
    value: str


def answers(kind, *, draft, programs):
    """[(section, [Answer, ...]), ...] for every task section, in order. Documents are listed by kind
    with the names of the files kept."""
    groups = []
    for section in tasks_of(kind):
        form = section_form(kind, section, programs=programs, draft=copy.copy(draft))
        if section.documents:
            rows = [
                Answer(f"document_{kind_}", DocumentKind(kind_).label, ", ".join(names))
                for kind_, names in _documents_by_kind(form.stored_documents)
            ]
            rows = rows or [Answer("documents", "Documents", "")]
        else:
            rows = [Answer(name, str(form.fields[name].label), answer(draft, name)) for name in section.field_names]
        groups.append((section, rows))
    return groups


def _documents_by_kind(documents):
    by_kind = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document.original_name)
    return [(kind, by_kind[kind]) for kind in DocumentKind.values if kind in by_kind]

"""The review actions of the application page: the lifecycle's buttons with their confirmation
pages (built from `lifecycle.LIFECYCLE`), assignment, internal notes, and the queue's bulk
actions. Every change goes through the services; a refusal becomes a message and changes nothing."""

import hashlib

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import ngettext

from apps.core.emails import email_render

from .. import services
from ..emails import template
from ..lifecycle import Message, action_for_slug, staff_actions
from ..models import Application

# The applicant's link is a key to their page: staff see where it goes, not the link itself.
PRIVATE_LINK_SHOWN = "(the applicant's private status link)"


class TransitionForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "cols": 80}), max_length=5000)
    previewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].label = action.message_label
        self.fields["message"].required = action.message == Message.REQUIRED
        self.fields["message"].strip = True


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add an internal note",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        max_length=5000,
        help_text="Staff only: never shown to the applicant.",
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, label="Reviewer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers()
        self.fields["reviewer"].empty_label = "Nobody (unassigned)"
        self.fields["reviewer"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


def reviewers():
    """Active staff who may work the queue (change applications), by name."""
    permission = Permission.objects.filter(content_type__app_label="certifications", codename="change_application")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


class ReviewActionsMixin:
    """For ApplicationAdmin: the transition, assignment and note views and the bulk actions."""

    @admin.action(description="Start review of the selected submitted or answered applications", permissions=["change"])
    def start_review(self, request, queryset):
        done, refused = services.applications_start_review(applications=queryset, reviewer=request.user)
        self._report(
            request,
            done,
            refused,
            "%(count)d application taken into review.",
            "%(count)d applications taken into review.",
        )

    @admin.action(description="Assign the selected applications to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        done, refused = services.applications_assign(applications=queryset, reviewer=request.user)
        self._report(
            request, done, refused, "%(count)d application assigned to you.", "%(count)d applications assigned to you."
        )

    def _report(self, request, done, refused, singular, plural):
        if done:
            self.message_user(request, ngettext(singular, plural, done) % {"count": done}, messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if application is not None:
            context.update(self._review_context(request, application))
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _review_context(self, request, application):
        can_change = self.has_change_permission(request, application)
        buttons = [
            {
                "label": action.label,
                "url": self._url("transition", application.pk, action.slug),
                "danger": action.danger,
            }
            for action in staff_actions()
            if can_change and action.allows(application.status) and request.user.has_perm(action.permission)
        ]
        return {
            "transition_buttons": buttons,
            "assign_url": self._url("assign", application.pk) if can_change and application.submitted_at else None,
            "assigned_to_me": application.assigned_to_id == request.user.pk,
            "notes": list(application.notes.select_related("author")),
            "note_form": NoteForm() if request.user.has_perm("certifications.add_applicationnote") else None,
            "note_url": self._url("note", application.pk),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/transition/<slug:slug>/",
                view(self.transition_view),
                name="certifications_application_transition",
            ),
            path("<int:pk>/assign/", view(self.assign_view), name="certifications_application_assign"),
            path("<int:pk>/note/", view(self.note_view), name="certifications_application_note"),
            *super().get_urls(),
        ]

    def _url(self, name, *args):
        return reverse(f"admin:certifications_application_{name}", args=args)

    def _change_url(self, application):
        return reverse("admin:certifications_application_change", args=[application.pk])

    def _get_for_change(self, request, pk):
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        return application

    def transition_view(self, request, pk, slug):
        """Confirmation page of one staff action. Messages to the applicant are previewed as the email
        before they can be sent; the service decides, and a refusal changes nothing."""
        action = action_for_slug(slug)
        if action is None:
            raise Http404("No such transition.")
        application = self._get_for_change(request, pk)
        if not request.user.has_perm(action.permission):
            raise PermissionDenied
        if not action.allows(application.status) and request.method == "GET":
            self.message_user(
                request,
                f"Application {application.reference} is {application.get_status_display().lower()}; "
                f"“{action.label}” does not apply now.",
                messages.ERROR,
            )
            return redirect(self._change_url(application))
        form = TransitionForm(request.POST or None, action=action)
        preview = None
        if request.method == "POST" and form.is_valid():
            message = form.cleaned_data["message"]
            previewed = form.cleaned_data["previewed"]
            wants_preview = action.preview and ("_preview" in request.POST or previewed != _digest(message))
            if not wants_preview:
                service = services.staff_action_service(action)
                try:
                    done = service(application=application, reviewer=request.user, message=message)
                except services.ServiceError as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"{action.label} done: application {done.reference} is now “{done.get_status_display()}”.",
                        messages.SUCCESS,
                    )
                return redirect(self._change_url(application))
            subject, body = email_render(
                template=template(action.email),
                context={"application": application, "status_url": PRIVATE_LINK_SHOWN, "message": message},
            )
            changed = bool(previewed) and previewed != _digest(message)
            preview = {"subject": subject, "body": body, "to": application.email, "changed": changed}
            form = TransitionForm(initial={"message": message, "previewed": _digest(message)}, action=action)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{action.label}: {application.reference}",
            "application": application,
            "transition": action,
            "form": form,
            "preview": preview,
            "change_url": self._change_url(application),
        }
        return TemplateResponse(request, "admin/certifications/application/transition.html", context)

    def assign_view(self, request, pk):
        application = self._get_for_change(request, pk)
        if request.method == "POST" and "_me" in request.POST:
            form = AssignForm({"reviewer": request.user.pk})
        else:
            form = AssignForm(request.POST or None, initial={"reviewer": application.assigned_to_id})
        if request.method == "POST" and form.is_valid():
            reviewer = form.cleaned_data["reviewer"]
            try:
                services.application_assign(application=application, reviewer=reviewer)
            except services.ServiceError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                who = (reviewer.get_full_name() or reviewer.get_username()) if reviewer else "nobody"
                self.message_user(request, f"{application.reference} is assigned to {who}.", messages.SUCCESS)
            return redirect(self._change_url(application))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Assign {application.reference}",
            "application": application,
            "form": form,
            "change_url": self._change_url(application),
        }
        return TemplateResponse(request, "admin/certifications/application/assign.html", context)

    def note_view(self, request, pk):
        if request.method != "POST":
            return redirect(self._change_url(get_object_or_404(Application, pk=pk)))
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        if not (
            self.has_view_permission(request, application)
            and request.user.has_perm("certifications.add_applicationnote")
        ):
            raise PermissionDenied
        form = NoteForm(request.POST)
        if form.is_valid():
            services.application_note_add(application=application, author=request.user, text=form.cleaned_data["text"])
            self.message_user(request, "Note added.", messages.SUCCESS)
        else:
            self.message_user(request, "The note was empty or too long; nothing was added.", messages.ERROR)
        return redirect(f"{self._change_url(application)}#notes")

"""A site coordinator's page (/my/sites/<reference>/) and its actions, and a person's own side of
site memberships (/my/sites/): invitations to answer, sharing to give or take back, leaving.

Every page is the signed-in person's own: a site is found only among the sites they coordinate
and a membership only among their own, so anything else is the ordinary 404. Every change is a
POST that calls a service of `apps/accounts/sites.py` and redirects; a refusal is a message, and
a form with a mistake is shown again with what was typed and the message at the field."""

from functools import cache

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.views.generic import TemplateView, View

from apps.certifications.forms.applications import phone_validator
from apps.certifications.models import Application, Kind
from apps.certifications.views.common import mark_private, private_page_with_forms
from apps.core.form_messages import EMAIL_FORMAT

from ..forms import HandoverForm, InviteForm
from ..models import SiteMembership
from ..records import holds_address
from ..sites import (
    LISTING_FIELDS,
    SiteError,
    certification_of,
    clinicians_naming,
    coordinated_site,
    invitations_for,
    listing_change_propose,
    listing_of,
    partner_model,
    pending_changes,
    site_application_link_confirm,
    site_consent_give,
    site_consent_revoke,
    site_coordinator_handover,
    site_invitation_accept,
    site_invitation_decline,
    site_staff_invite,
    site_staff_leave,
    site_staff_remove,
    sites_of,
    staff_of,
)

# Where a person's own actions return: their home, or the sites page.
RETURN_TO = {"home": "accounts:home", "sites": "accounts:sites"}


LISTING_MESSAGES = {
    "website": {"invalid": "Enter the website address in the correct format, like https://www.example.org."},
    "email": {"invalid": EMAIL_FORMAT},
    "phone": {"invalid": "Enter a telephone number with digits, spaces and an optional leading +."},
    "description": {"max_length": "Shorten the description to 5,000 characters or fewer."},
}


@cache
def listing_form_class():
    """A form of the listing's public fields, worded as the Partner model words them."""
    form_class = modelform_factory(
        partner_model(),
        fields=LISTING_FIELDS,
        widgets={"description": forms.Textarea(attrs={"rows": 5})},
        error_messages=LISTING_MESSAGES,
    )

    class ListingForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["phone"].validators.append(phone_validator)

    return ListingForm


def listing_form(partner, data=None):
    return listing_form_class()(data, instance=partner, prefix=f"listing-{partner.pk}")


# THE COORDINATOR'S PAGE


class CoordinatorMixin(LoginRequiredMixin):
    """The site of the URL, if the signed-in person is its active coordinator; else 404."""

    def dispatch(self, request, *args, reference, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        membership = coordinated_site(request.user, reference)
        if membership is None:
            raise Http404("No such site.")
        self.site = membership.site
        return mark_private(super().dispatch(request, *args, **kwargs), referrer_policy="strict-origin")

    def site_url(self):
        return reverse("accounts:site", kwargs={"reference": self.site.reference})


class SitePageMixin(CoordinatorMixin):
    template_name = "accounts/sites/site.html"

    def page_context(self, *, invite_form=None, handover_form=None, listing_forms=None):
        site = self.site
        listing_forms = listing_forms or {}
        pending = pending_changes(site)
        fields = partner_model()._meta
        for change in pending:
            change.rows = [
                (capfirst(fields.get_field(name).verbose_name), value) for name, value in change.changes.items()
            ]
        staff = staff_of(site)
        return {
            "site": site,
            "certification": certification_of(site),
            "listing": [
                {
                    "partner": partner,
                    "form": listing_forms.get(partner.pk) or listing_form(partner),
                    "pending": [change for change in pending if change.partner_id == partner.pk],
                }
                for partner in listing_of(site)
            ],
            "staff": staff,
            "handover_pending": any(member.role == SiteMembership.Role.COORDINATOR for member in staff),
            "clinicians": clinicians_naming(site),
            "invite_form": invite_form or InviteForm(prefix="invite"),
            "handover_form": handover_form or HandoverForm(prefix="handover"),
        }

    def render_page(self, status=200, **forms):
        return self.render_to_response(self.page_context(**forms), status=status)


class SiteView(SitePageMixin, TemplateView):
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        return self.render_page()


class SiteActionView(SitePageMixin, TemplateView):
    """A POST on the coordinator's page: a service, a message, back to the page."""

    http_method_names = ["post"]

    def done(self, text):
        messages.success(self.request, text)
        return redirect(self.site_url())

    def refused(self, error):
        messages.error(self.request, str(error))
        return redirect(self.site_url())


class SiteInviteView(SiteActionView):
    def post(self, request, *args, **kwargs):
        form = InviteForm(request.POST, prefix="invite")
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                site_staff_invite(site=self.site, email=email, invited_by=request.user)
            except SiteError as error:
                form.add_error("email", str(error))
            else:
                return self.done(f"Invitation sent to {email.lower()}.")
        return self.render_page(status=400, invite_form=form)


class SiteHandoverView(SiteActionView):
    def post(self, request, *args, **kwargs):
        form = HandoverForm(request.POST, prefix="handover")
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                site_coordinator_handover(site=self.site, email=email, by=request.user)
            except SiteError as error:
                form.add_error("email", str(error))
            else:
                return self.done(
                    f"We asked {email.lower()} to take over as coordinator. You stay coordinator until they confirm."
                )
        return self.render_page(status=400, handover_form=form)


class SiteStaffRemoveView(SiteActionView):
    def post(self, request, *args, pk, **kwargs):
        membership = self.site.memberships.filter(pk=pk).first()
        if membership is None:
            raise Http404("No such member.")
        try:
            site_staff_remove(membership=membership, by=request.user)
        except SiteError as error:
            return self.refused(error)
        return self.done(f"{membership.email} is no longer on the staff list or invited.")


class SiteListingView(SiteActionView):
    def post(self, request, *args, pk, **kwargs):
        partner = next((p for p in listing_of(self.site) if p.pk == pk), None)
        if partner is None:
            raise Http404("No such listing.")
        form = listing_form(partner, request.POST)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in LISTING_FIELDS}
            try:
                listing_change_propose(site=self.site, partner=partner, proposed_by=request.user, changes=changes)
            except SiteError as error:
                form.add_error(None, str(error))
            else:
                return self.done(
                    "Your change was sent to our content editors. The listing shows it once they approve it."
                )
        return self.render_page(status=400, listing_forms={partner.pk: form})


class SiteClinicianConfirmView(SiteActionView):
    def post(self, request, *args, pk, **kwargs):
        application = Application.objects.filter(pk=pk, works_at=self.site, kind=Kind.INDIVIDUAL).first()
        if application is None:
            raise Http404("No such application.")
        try:
            site_application_link_confirm(site=self.site, application=application, by=request.user)
        except SiteError as error:
            return self.refused(error)
        return self.done(f"Invitation sent to {application.email.lower()}: they accept it in their own My NMT.")


# THE PERSON'S OWN SIDE


@method_decorator(private_page_with_forms, name="dispatch")
class MySitesView(LoginRequiredMixin, TemplateView):
    """The person's sites and the invitations waiting for them."""

    template_name = "accounts/sites/my_sites.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            site_memberships=sites_of(self.request.user),
            site_invitations=invitations_for(self.request.user),
            **kwargs,
        )


class OwnMembershipView(LoginRequiredMixin, View):
    """A POST on one of the person's own memberships or invitations; anyone else's is a 404."""

    http_method_names = ["post"]
    action = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return mark_private(super().dispatch(request, *args, **kwargs))

    def find(self, pk):
        raise NotImplementedError

    def post(self, request, *args, pk, **kwargs):
        membership = self.find(pk)
        if membership is None:
            raise Http404("No such invitation or membership.")
        service, text = self.actions[self.action]
        try:
            service(membership=membership, user=request.user)
        except SiteError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, text.format(site=membership.site.organisation_name))
        return redirect(RETURN_TO.get(request.POST.get("return_to"), RETURN_TO["sites"]))


class InvitationAnswerView(OwnMembershipView):
    actions = {
        "accept": (site_invitation_accept, "You joined {site}."),
        "decline": (site_invitation_decline, "You declined the invitation of {site}."),
    }

    def find(self, pk):
        membership = SiteMembership.objects.select_related("site").filter(pk=pk).first()
        # Only the holder of the invited address finds it (answered ones too, to be told so).
        if membership is None or not holds_address(self.request.user, membership.email):
            return None
        return membership


class MembershipActionView(OwnMembershipView):
    actions = {
        "consent": (site_consent_give, "The coordinator of {site} now sees your certifications and applications."),
        "revoke": (site_consent_revoke, "You stopped sharing with {site}."),
        "leave": (site_staff_leave, "You left {site}."),
    }

    def find(self, pk):
        return SiteMembership.objects.select_related("site").filter(pk=pk, user=self.request.user).first()

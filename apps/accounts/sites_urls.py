"""Site coordinators' pages (/my/sites/<site>/) and a clinician's invitations."""

from django.urls import path

from .views import sites as views

urlpatterns = [
    path("my/sites/", views.MySitesView.as_view(), name="sites"),
    path(
        "my/sites/invitations/<int:pk>/accept/",
        views.InvitationAnswerView.as_view(action="accept"),
        name="site-invitation-accept",
    ),
    path(
        "my/sites/invitations/<int:pk>/decline/",
        views.InvitationAnswerView.as_view(action="decline"),
        name="site-invitation-decline",
    ),
    path(
        "my/sites/memberships/<int:pk>/consent/",
        views.MembershipActionView.as_view(action="consent"),
        name="site-consent-give",
    ),
    path(
        "my/sites/memberships/<int:pk>/revoke/",
        views.MembershipActionView.as_view(action="revoke"),
        name="site-consent-revoke",
    ),
    path("my/sites/memberships/<int:pk>/leave/", views.MembershipActionView.as_view(action="leave"), name="site-leave"),
    # A site is named by its approved application's reference, e.g. /my/sites/NMT-S-2026-00012/.
    path("my/sites/<str:reference>/", views.SiteView.as_view(), name="site"),
    path("my/sites/<str:reference>/staff/invite/", views.SiteInviteView.as_view(), name="site-invite"),
    path(
        "my/sites/<str:reference>/staff/<int:pk>/remove/", views.SiteStaffRemoveView.as_view(), name="site-staff-remove"
    ),
    path("my/sites/<str:reference>/handover/", views.SiteHandoverView.as_view(), name="site-handover"),
    path("my/sites/<str:reference>/listing/<int:pk>/", views.SiteListingView.as_view(), name="site-listing"),
    path(
        "my/sites/<str:reference>/clinicians/<int:pk>/confirm/",
        views.SiteClinicianConfirmView.as_view(),
        name="site-clinician-confirm",
    ),
]

"""Site coordinators' pages (/my/sites/<site>/) and a clinician's invitations."""

urlpatterns = []

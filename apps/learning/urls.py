"""Continuing education: the participant's CE pages (/ce/<link>/…) and the public verification of a
CE certificate (/ce/verify/<number>/)."""

from . import participant_urls, verify_urls

app_name = "learning"

# Verification first: /ce/verify/… must never be read as a participant's link.
urlpatterns = [*verify_urls.urlpatterns, *participant_urls.urlpatterns]

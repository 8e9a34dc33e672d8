"""Open Badges 3.0 credentials: the public status lists, the credential check and the holder's
downloads. Included before certifications, whose /verify/<number>/ would otherwise take
/verify/credential/."""

from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("credentials/status-list/<int:number>", views.StatusListView.as_view(), name="status-list"),
    path("credentials/revocation-list/", views.RevocationListView.as_view(), name="revocation-list"),
    path("verify/credential/", views.CredentialCheckView.as_view(), name="check"),
    path("verify/credential.json", views.CredentialCheckJsonView.as_view(), name="check-json"),
    *(
        path(
            f"certificates/<str:token>/{name}", views.TokenDownloadView.as_view(), {"name": name}, name=f"token-{name}"
        )
        for name in views.DOWNLOADS
    ),
    *(
        path(f"my/certificates/<str:number>/{name}", views.MyDownloadView.as_view(), {"name": name}, name=f"my-{name}")
        for name in views.DOWNLOADS
    ),
]

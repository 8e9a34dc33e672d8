"""Response headers Django has no setting for."""

from django.conf import settings

from .seo import robots_directive


class PermissionsPolicyMiddleware:
    """Adds a Permissions-Policy header that switches off browser features the portal never uses."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class RobotsTagMiddleware:
    """Sends `X-Robots-Tag` for private-link and form-result pages and for searches (see
    apps.core.seo.robots_directive, which base.html's <meta name="robots"> reads too). A directive
    a view set itself stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if directive := robots_directive(request):
            response.headers.setdefault("X-Robots-Tag", directive)
        return response

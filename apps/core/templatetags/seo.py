"""The tags base.html uses for the page's description, canonical link, Open Graph tags and JSON-LD."""

from django import template
from django.templatetags.static import static
from django.utils.safestring import mark_safe

from apps.core import seo

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Rendered (so already escaped) output, stored for reuse: the <title> and the og:title alike.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}`: render the enclosed blocks once, whitespace
    collapsed, into `name`, so that one {% block title %} fills <title> and og:title."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's absolute canonical address ("" where there is no request: the 500 and 503 pages)."""
    request = context.get("request")
    if request is None:
        return ""
    return seo.canonical_url(request, context.get("page_obj"))


@register.simple_tag
def absolute_static(path):
    return seo.absolute_url(static(path))


@register.filter
def json_ld(data):
    return seo.json_ld(data)

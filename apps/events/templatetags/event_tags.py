from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration_text(duration):
    """A timedelta in words: "90 minutes", "2 hours", "3 hours 30 minutes", "2 days"."""
    minutes = int(duration.total_seconds() // 60)
    if minutes and minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    hours, rest = divmod(minutes, 60)
    if hours and not rest and minutes != 90:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    if minutes < 180:
        return f"{minutes} minutes"
    return f"{hours} hours {rest} minutes"

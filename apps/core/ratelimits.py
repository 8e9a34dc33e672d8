"""Rate limits: django-ratelimit's decorator, whose refusal says when the refusing limit's window
ends (the 429 page's Retry-After), and the client address that both the rate limits and the staff
login lockout (django-axes) count."""

import ipaddress
from functools import wraps

from django.conf import settings
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited


class RateLimited(Ratelimited):
    """A refusal by one limit: its rate ("60/m") and the seconds left in its current window."""

    def __init__(self, *, rate, retry_after):
        super().__init__(f"Rate limit {rate} reached; its window ends in {retry_after} s.")
        self.rate = rate
        self.retry_after = retry_after


def ratelimit(group=None, key=None, rate=None, method=ALL, block=True):
    """django_ratelimit.decorators.ratelimit, same arguments and same counters (the group is
    derived from the view as there), raising `RateLimited` so the 429 page can give the real wait."""

    def decorator(fn):
        @wraps(fn)
        def wrapped(request, *args, **kwargs):
            usage = get_usage(request, group=group, fn=fn, key=key, rate=rate, method=method, increment=True)
            limited = usage is not None and usage["should_limit"]
            request.limited = limited or getattr(request, "limited", False)
            if limited and block:
                raise RateLimited(rate=rate, retry_after=max(usage["time_left"], 1))
            return fn(request, *args, **kwargs)

        return wrapped

    return decorator


def client_ip(request):
    """The client's address, counted by the rate limits (RATELIMIT_IP_META_KEY) and the staff login
    lockout (AXES_CLIENT_IP_CALLABLE) alike: the request header named by CLIENT_IP_META_KEY behind a
    proxy, else REMOTE_ADDR; an IPv6 address by its /64 network, as django-ratelimit counts it."""
    for meta_key in [settings.CLIENT_IP_META_KEY, "REMOTE_ADDR"]:
        try:
            address = ipaddress.ip_address(request.META.get(meta_key, "").strip())
        except ValueError:
            continue
        mask = settings.RATELIMIT_IPV6_MASK if address.version == 6 else settings.RATELIMIT_IPV4_MASK
        return str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)
    return None  # no address at all: a request built in code (the test client's login), never one over TCP

"""The client address that the rate limits and the staff login lockout count, behind a proxy or not."""

import pytest
from django.test import RequestFactory

from apps.core.ratelimits import client_ip
from tests.factories import make_certificate

PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("meta_key", "meta", "expected"),
    [
        ("REMOTE_ADDR", {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_REAL_IP": "198.51.100.1"}, "203.0.113.5"),
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": PROXY, "HTTP_X_REAL_IP": "198.51.100.1"}, "198.51.100.1"),
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": PROXY, "HTTP_X_REAL_IP": " 198.51.100.1 "}, "198.51.100.1"),
        # A request that did not pass the proxy (a health check on loopback) counts by its connection.
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": PROXY, "HTTP_X_REAL_IP": "not an address"}, PROXY),
        # IPv6 by its /64, as django-ratelimit counts it: one client owns the whole network.
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": PROXY, "HTTP_X_REAL_IP": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2::"),
    ],
)
def test_client_ip_reads_the_configured_header_then_the_connection(settings, meta_key, meta, expected):
    settings.CLIENT_IP_META_KEY = meta_key
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR")
    request.META.update(meta)

    assert client_ip(request) == expected


def test_client_ip_without_any_address_is_none(settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", REMOTE_ADDR="")

    assert client_ip(request) is None


@pytest.mark.django_db
def test_behind_a_proxy_the_rate_limits_count_each_client(client, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    path = f"/verify/{make_certificate().number}.json"
    for _ in range(60):
        client.get(path, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="203.0.113.66")

    refused = client.get(path, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="203.0.113.66")
    other_client = client.get(path, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.7")

    assert (refused.status_code, other_client.status_code) == (429, 200)

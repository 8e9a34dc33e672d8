"""The reviewer's admin pages, timed one request after another (the admin is never cached)."""

import statistics

from bench.client import Client

REVIEWER = ("bench-reviewer", "bench-password-123456")


def reviewer_account_code():
    """Code for `manage.py shell -c`: the reviewer account, in the Reviewers group."""
    username, password = REVIEWER
    return (
        "from django.contrib.auth.models import Group, User\n"
        f"u, _ = User.objects.get_or_create(username={username!r}, defaults={{'is_staff': True}})\n"
        f"u.set_password({password!r}); u.is_staff = True; u.save()\n"
        "u.groups.add(Group.objects.get(name='Reviewers'))\n"
    )


def time_pages(base_url, pages, rounds=20):
    """[(page, median ms, max ms, responses other than 200)]: one warm-up, then `rounds` requests."""
    client = Client(base_url, timeout=30)
    username, password = REVIEWER
    login = client.post_form("/admin/login/?next=/admin/", {"username": username, "password": password})
    if login.status != 302:
        raise RuntimeError(f"reviewer login failed: HTTP {login.status}")
    results = []
    for page in pages:
        client.get(page.path)
        timings, failures = [], 0
        for _ in range(rounds):
            response = client.get(page.path)
            failures += response.status != 200
            timings.append(response.seconds * 1000)
        results.append((page, statistics.median(timings), max(timings), failures))
    return results

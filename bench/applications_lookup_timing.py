"""Time /status/ answers for a matching and a non-matching reference + email, interleaved.

Run against a server started with RATELIMIT_ENABLE=false (the limits would refuse most requests):
    RATELIMIT_ENABLE=false DJANGO_DEBUG=true .venv/bin/python manage.py runserver 127.0.0.1:8101
    .venv/bin/python bench/applications_lookup_timing.py http://127.0.0.1:8101 NMT-I-2026-00001 dana@example.org
Prints the median and 90th percentile of each, in milliseconds. Not a test.
"""

import http.cookiejar
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request


def main(base, reference, email, rounds=300):
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
        sys.exit("The base URL must be http:// or https://")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/status/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cases = {"match": (reference, email), "no match": (reference, "someone-else@example.org")}
    timings = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (ref, address) in cases.items():
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "reference": ref, "email": address}).encode()
            # The scheme is checked above.
            request = urllib.request.Request(f"{base}/status/", data=body, headers={"Referer": f"{base}/status/"})
            start = time.perf_counter()
            opener.open(request).read()
            timings[name].append((time.perf_counter() - start) * 1000)
    for name, values in timings.items():
        values.sort()
        print(f"{name:>9}: median {statistics.median(values):.2f} ms, p90 {values[int(len(values) * 0.9)]:.2f} ms")


if __name__ == "__main__":
    main(*sys.argv[1:4])

"""Reference numbers and double submissions under real concurrency (threads, separate connections)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.certifications import services
from apps.certifications.models import Application, ApplicationDocument, ReferenceCounter, Status
from tests.factories import individual_form_data, make_application, make_phase_one, private_files
from tests.files import pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = timezone.localdate().year


def _in_parallel(count, work):
    """Run `work(i)` in `count` threads released together; return results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_parallel_submissions_get_distinct_gapless_references():
    program = make_phase_one()
    drafts = [make_application(status=Status.DRAFT, program=program, email=f"a{i}@example.org") for i in range(8)]

    results, errors = _in_parallel(8, lambda i: services.application_submit(application=drafts[i]).reference)

    assert errors == []
    assert sorted(results) == [f"NMT-I-{YEAR}-{n:05d}" for n in range(1, 9)]
    assert ReferenceCounter.objects.get(prefix="NMT-I", year=YEAR).last_value == 8


def test_a_rolled_back_submission_gives_its_number_back():
    program = make_phase_one()
    draft = make_application(status=Status.DRAFT, program=program, consent_privacy=False)

    with pytest.raises(Exception, match="application_submitted_complete"):
        services.application_submit(application=draft)

    assert make_application(status=Status.SUBMITTED, program=program).reference == f"NMT-I-{YEAR}-00001"


def test_two_simultaneous_posts_with_the_same_key_make_one_application():
    program = make_phase_one()
    data = individual_form_data(program)

    def post(i):
        files = {"document_cv": upload("cv.pdf", pdf_bytes()), "document_licence": upload("l.pdf", pdf_bytes())}
        response = Client().post("/apply/individual/", {**data, **files})
        return response.status_code, response["Location"]

    results, errors = _in_parallel(2, post)

    assert errors == []
    assert results == [(302, "/apply/received/"), (302, "/apply/received/")]
    assert Application.objects.count() == 1
    assert Application.objects.get().reference == f"NMT-I-{YEAR}-00001"
    assert ApplicationDocument.objects.count() == 2
    assert len(private_files()) == 2  # the loser stored nothing, or took back what it stored

"""Continuing education (issue 16): the CE credit an event offers, attendance and the credit it
earns, evaluations and post-tests, CE certificates, and each program's requirements with the staff
confirmations that count toward them.

The flow: an attendance import (attendance.py) gives each registrant their sessions and a
CreditAward per CreditOffer (credit.py computes it). Attendees with credit are invited to the
evaluation and, where the event requires it, the post-test (CERecord keeps where each person
stands). Once those are done, release.py issues a CECertificate per award with credit: a snapshot of
every word the certificate prints, verifiable at /ce/verify/<number>/. The daily job purges CE
records past the retention period staff set in CESettings.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from apps.certifications.models import Program
from apps.events.models import Event, Registration

MAX_POST_TEST_ATTEMPTS = 2  # the first try and one retry
DEFAULT_RETENTION_YEARS = 5


class CESettings(models.Model):
    """The one row of CE settings staff edit: who issues the certificates, who signs them, and how
    long CE records are kept."""

    provider_name = models.CharField(
        max_length=200,
        default="The Neurosequential Network",
        help_text="The CE provider as certificates name it.",
    )
    signatory_name = models.CharField(max_length=150, blank=True, help_text="Printed in the signature block.")
    signatory_title = models.CharField(
        max_length=150, blank=True, help_text="For example “Director of Continuing Education”."
    )
    retention_years = models.PositiveSmallIntegerField(
        "keep CE records for (years)",
        default=DEFAULT_RETENTION_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="After an event ends, its attendance, credit, evaluations, post-tests and CE certificates are "
        "kept this long, then deleted by the daily job.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "CE settings"
        verbose_name_plural = "CE settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="learning_cesettings_singleton"),
            models.CheckConstraint(
                condition=Q(retention_years__gte=1, retention_years__lte=50), name="learning_retention_years_valid"
            ),
        ]

    def __str__(self):
        return "CE settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The settings row; an unsaved default when staff have not saved one."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class CreditOffer(models.Model):
    """One type of CE credit an event offers, with the words and number its approving body requires
    on the certificate, exactly as staff enter them."""

    class CreditType(models.TextChoices):
        APA = "apa", "APA (psychologists)"
        NBCC = "nbcc", "NBCC (counsellors)"
        ASWB = "aswb", "ASWB ACE (social workers)"
        CPD = "cpd", "CPD"
        OTHER = "other", "Other"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="credit_offers")
    credit_type = models.CharField(max_length=10, choices=CreditType)
    label = models.CharField(
        max_length=100, blank=True, help_text="For “Other”: the credit's name as the certificate states it."
    )
    provider_number = models.CharField(
        "provider or approval number", max_length=100, help_text="As the approving body issued it."
    )
    approval_statement = models.TextField(
        help_text="The exact statement the approving body requires, printed as entered on the certificate."
    )
    allows_half_hours = models.BooleanField(
        default=False, help_text="Credit for each full 30 minutes, not only each full 60."
    )

    class Meta:
        ordering = ["credit_type", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "credit_type", "label"], name="credit_offer_unique_type"),
            models.CheckConstraint(
                condition=~Q(credit_type="other") | ~Q(label=""), name="credit_offer_other_has_label"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.label or self.get_credit_type_display()

    def maximum_hours(self):
        """The credit a full attendance earns: whole hours of instruction (half hours where allowed)."""
        unit = 30 if self.allows_half_hours else 60
        return Decimal(self.event.instruction_minutes // unit * unit) / 60


class AttendanceImport(models.Model):
    """One upload of a webinar platform's participant export for an event (attendance.py)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance_imports")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    filename = models.CharField(max_length=255, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_matched = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(
        default=list, blank=True, help_text='Rows of no registration: {"line", "email", "name"}.'
    )
    errors = models.JSONField(default=list, blank=True, help_text='Rows refused: {"line", "message"}.')

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Attendance import for {self.event.title} ({self.created_at:%Y-%m-%d %H:%M})"


class AttendanceSession(models.Model):
    """One join and leave of a registrant, as the latest import that listed them read it."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendance_sessions")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField()
    attendance_import = models.ForeignKey(AttendanceImport, on_delete=models.CASCADE, related_name="sessions")

    class Meta:
        ordering = ["registration", "joined_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__gte=F("joined_at")), name="attendance_session_leaves_after_join"
            )
        ]

    def __str__(self):
        return f"{self.registration.name}: {self.joined_at:%H:%M}–{self.left_at:%H:%M} UTC"


class CreditAward(models.Model):
    """The CE credit one registrant earned for one credit type, computed from their attendance."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="credit_awards")
    offer = models.ForeignKey(CreditOffer, on_delete=models.CASCADE, related_name="awards")
    minutes_attended = models.PositiveIntegerField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    reason = models.CharField(max_length=500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["registration", "offer"]
        constraints = [models.UniqueConstraint(fields=["registration", "offer"], name="credit_award_unique_offer")]

    def __str__(self):
        return f"{self.registration.name}: {self.hours} {self.offer.name}"


class CERecord(models.Model):
    """Where one attendee with credit stands on the way to their CE certificate: invited to the
    evaluation, the licence number they gave, released."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="ce_record")
    licence_number = models.CharField(
        "licence number", max_length=100, blank=True, help_text="Printed on the CE certificate when given."
    )
    invited_at = models.DateTimeField(null=True, blank=True, help_text="When the evaluation invitation was queued.")
    released_at = models.DateTimeField(null=True, blank=True, help_text="When the CE certificates were issued.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "CE record"

    def __str__(self):
        return f"CE record of {self.registration.name} for {self.registration.event.title}"


class EvaluationQuestion(models.Model):
    """One question of an event's evaluation, as staff wrote it."""

    class Kind(models.TextChoices):
        RATING = "rating", "Rating (1 to 5)"
        TEXT = "text", "Free text"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="evaluation_questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.RATING)
    text = models.CharField("question", max_length=300)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["event", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["rating", "text"]), name="evaluation_kind_valid")]

    def __str__(self):
        return self.text


class EvaluationResponse(models.Model):
    """One attendee's submitted evaluation of an event (one each; it cannot be changed once sent)."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="evaluation")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"Evaluation by {self.registration.name}"


class EvaluationAnswer(models.Model):
    response = models.ForeignKey(EvaluationResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(EvaluationQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ["response", "question__position", "question"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="evaluation_answer_unique_question"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="evaluation_rating_valid"
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.rating if self.rating is not None else self.text[:40]}"


class PostTestQuestion(models.Model):
    """One multiple-choice question of an event's post-test."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="post_test_questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("question", max_length=500)

    class Meta:
        ordering = ["event", "position", "pk"]

    def __str__(self):
        return self.text


class PostTestChoice(models.Model):
    question = models.ForeignKey(PostTestQuestion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField("answer", max_length=300)
    is_correct = models.BooleanField("correct", default=False)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.text


class PostTestAttempt(models.Model):
    """One try at an event's post-test: the answers given and the score, as marked when submitted."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="post_test_attempts")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_POST_TEST_ATTEMPTS)]
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    correct = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    score_percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    passed = models.BooleanField()
    answers = models.JSONField(default=dict, help_text="{question id: chosen answer id}")

    class Meta:
        ordering = ["registration", "number"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "number"], name="post_test_attempt_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=MAX_POST_TEST_ATTEMPTS), name="post_test_attempt_number_valid"
            ),
            models.CheckConstraint(condition=Q(correct__lte=F("total")), name="post_test_attempt_correct_valid"),
        ]

    def __str__(self):
        return f"{self.registration.name}, attempt {self.number}: {self.score_percent} %"


class CECertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)


class CECertificate(models.Model):
    """A CE certificate as issued: every word it prints is kept here, so a later edit of the event or
    the offer never changes a certificate someone has already handed to their board."""

    number = models.CharField(max_length=40, unique=True, editable=False)
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="ce_certificates")
    offer = models.ForeignKey(CreditOffer, on_delete=models.PROTECT, related_name="certificates")
    participant_name = models.CharField(max_length=150)
    licence_number = models.CharField(max_length=100, blank=True)
    event_title = models.CharField(max_length=200)
    event_starts_on = models.DateField()
    event_ends_on = models.DateField()
    event_format = models.CharField(max_length=100, blank=True)
    credit_type = models.CharField(max_length=100, help_text="The credit's name as printed, e.g. “APA”.")
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    provider_name = models.CharField(max_length=200)
    provider_number = models.CharField(max_length=100)
    approval_statement = models.TextField()
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_title = models.CharField(max_length=150, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    objects = CECertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = "CE certificate"
        constraints = [
            models.UniqueConstraint(fields=["registration", "offer"], name="ce_certificate_unique_offer"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="ce_certificate_hours_positive"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""), name="ce_certificate_revoked_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.number}: {self.participant_name}, {self.hours} h {self.credit_type}"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def event_dates(self):
        """“7 March 2030”, or “7–8 March 2030” and the like for an event over several days."""
        start, end = self.event_starts_on, self.event_ends_on
        if start == end:
            return f"{start.day} {start:%B %Y}"
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {end:%B %Y}"
        if start.year == end.year:
            return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
        return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


class Requirement(models.Model):
    """One countable requirement of a program, e.g. “Case-based trainings attended: 4”.

    How it is counted:
    - trainings attended: events (of `event_kind` when set) the person attended, one each;
    - CE hours: CE hours earned (of `credit_type` when set; an event's largest award otherwise, so an
      event offering APA and NBCC credit counts once);
    - confirmed by staff: what staff confirmed for the person (RequirementConfirmation).
    For a renewal only what was earned since the certificate being renewed was issued counts.
    """

    class Kind(models.TextChoices):
        TRAININGS = "trainings", "Trainings attended"
        CE_HOURS = "ce_hours", "CE hours earned"
        CONFIRMED = "confirmed", "Confirmed by staff"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="progress_requirements")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200, help_text="As people see it, e.g. “Case-based trainings attended”.")
    description = models.CharField(max_length=500, blank=True, help_text="One line on what counts.")
    kind = models.CharField(max_length=20, choices=Kind)
    target = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="How many are needed (trainings, hours or confirmations)."
    )
    event_kind = models.CharField(
        max_length=20,
        choices=Event.Kind,
        blank=True,
        help_text="Trainings attended: count only this kind of event. Empty: any.",
    )
    credit_type = models.CharField(
        max_length=10,
        choices=CreditOffer.CreditType,
        blank=True,
        help_text="CE hours: count only this credit type. Empty: any.",
    )

    class Meta:
        ordering = ["program", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["trainings", "ce_hours", "confirmed"]), name="requirement_kind_valid"
            ),
            models.CheckConstraint(condition=Q(target__gte=1), name="requirement_target_positive"),
        ]

    def __str__(self):
        return f"{self.program}: {self.title} ({self.target})"


class RequirementConfirmation(models.Model):
    """Staff's confirmation that a person completed something that counts toward a requirement (a
    self-guided module, a fidelity exercise passed), kept by the person's email address."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="confirmations")
    email = models.EmailField(help_text="The person's address, as on their applications and registrations.")
    count = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    note = models.CharField(max_length=300, blank=True, help_text="What was completed, for the record.")
    completed_on = models.DateField(default=timezone.localdate)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(count__gte=1), name="requirement_confirmation_count_valid")]
        indexes = [models.Index(Lower("email"), name="requirement_confirm_email_idx")]

    def __str__(self):
        return f"{self.requirement.title}: {self.count} for {self.email}"

"""Choices shared by the models, forms, sections and exports of certification."""

from django.db import models


class Kind(models.TextChoices):
    """Shared by programs, applications and certificates."""

    INDIVIDUAL = "individual", "Individual"
    SITE = "site", "Site"


class Population(models.TextChoices):
    CHILDREN = "children", "Children"
    ADOLESCENTS = "adolescents", "Adolescents"
    ADULTS = "adults", "Adults"
    FAMILIES = "families", "Families"


class DocumentKind(models.TextChoices):
    CV = "cv", "CV / résumé"
    LICENCE = "licence", "Licence or credential"
    TRAINING_CERTIFICATE = "training_certificate", "Training certificate"
    REFERENCE_LETTER = "reference_letter", "Letter of reference"
    ORGANISATION_CHART = "organisation_chart", "Organisation chart"
    LETTER_OF_SUPPORT = "letter_of_support", "Letter of support from leadership"
    OTHER = "other", "Other supporting document"


class OrganisationType(models.TextChoices):
    CLINIC = "clinic", "Clinic"
    SCHOOL = "school", "School"
    RESIDENTIAL = "residential", "Residential"
    CHILD_WELFARE = "child_welfare", "Child welfare"
    HOSPITAL = "hospital", "Hospital"
    OTHER = "other", "Other"


class HeardAbout(models.TextChoices):
    COLLEAGUE = "colleague", "A colleague"
    TRAINING = "training", "A training or conference"
    BOOK = "book", "A book or article"
    EMPLOYER = "employer", "My employer"
    WEB = "web", "Web search or social media"
    OTHER = "other", "Other"

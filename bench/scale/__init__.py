"""Benchmark data for `manage.py seed_scale_data`: one module per app, each with OPTIONS
{name: (default, help)} and seed(counts=, rng=, log=). Partners come after certifications: they
link to its site certificates."""

from . import certifications, events, faq, library, partners

MODULES = [faq, certifications, partners, events, library]

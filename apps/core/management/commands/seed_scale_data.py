"""Benchmark data: the seeding lives in bench/scale/, outside the apps; this command runs it."""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bench.scale import MODULES


class Command(BaseCommand):
    help = (
        "Fill the database with years of realistic, varied data for benchmarks (bulk inserts). "
        "Never run it against production: it refuses without --yes."
    )

    def add_arguments(self, parser):
        for module in MODULES:
            for name, (default, help_text) in module.OPTIONS.items():
                parser.add_argument(f"--{name}", type=int, default=default, help=f"{help_text} (default {default})")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable data.")
        parser.add_argument("--yes", action="store_true", help="Confirm this database may receive benchmark data.")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("This adds benchmark data to the database. Pass --yes if that is what you want.")
        rng = random.Random(options["seed"])  # noqa: S311 - benchmark data, not secrets
        started = time.perf_counter()
        for module in MODULES:
            counts = {name: options[name] for name in module.OPTIONS}
            step = time.perf_counter()
            with transaction.atomic():
                module.seed(counts=counts, rng=rng, log=self.stdout.write)
            self.stdout.write(f"  {module.__name__}: {time.perf_counter() - step:.1f}s")
        if connection.vendor == "postgresql":
            # What autovacuum would do later, at once: statistics for the planner (without them
            # PostgreSQL plans the new rows as if the tables were still empty) and the visibility
            # map, without which an index-only scan (a late page's keys) visits every row's page.
            step = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.stdout.write(f"  VACUUM ANALYZE (statistics, visibility map): {time.perf_counter() - step:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Scale data loaded in {time.perf_counter() - started:.1f}s."))

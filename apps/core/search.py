"""What the stored full-text search documents need of the models that keep one."""

from django.db import models


class SearchDocumentManager(models.Manager):
    """A model's manager that leaves its stored search `document` in the database: only the
    search's own WHERE and ranking read it (as SQL), and loading it with every row would make
    PostgreSQL send, and Python parse, a text vector several times the size of the row."""

    def get_queryset(self):
        return super().get_queryset().defer("document")

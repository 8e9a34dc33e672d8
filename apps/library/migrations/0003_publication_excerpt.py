import html

import nh3
from django.db import migrations, models
from django.utils.text import Truncator


def fill_excerpts(apps, schema_editor):
    """Write the excerpt of every existing publication (a frozen copy of models.excerpt)."""
    Publication = apps.get_model("library", "Publication")
    publications = list(Publication.objects.only("pk", "abstract_html"))
    for publication in publications:
        text = html.unescape(nh3.clean(publication.abstract_html, tags=set())).strip()
        publication.excerpt = Truncator(text).words(40, truncate=" …")
    Publication.objects.bulk_update(publications, ["excerpt"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_publication_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="excerpt",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_excerpts, migrations.RunPython.noop, elidable=True),
    ]

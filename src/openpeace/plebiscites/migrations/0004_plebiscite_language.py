"""A plebiscite's question gets its language. The plebiscites called before it had none; their
questions are taken to be in English, the register's English (added to the register if it has
none, as the one language they can be shown in). The column is made required in 0005, in a
transaction of its own: PostgreSQL refuses to alter a table with the foreign key checks of
these updates still pending."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def english_for_earlier_questions(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor
                                  ) -> None:
    plebiscites = apps.get_model("plebiscites", "Plebiscite").objects.filter(language=None)
    if not plebiscites.exists():
        return
    english, _ = apps.get_model("world", "Language").objects.get_or_create(
        tag="en", defaults={"name": "English", "direction": "ltr"})
    plebiscites.update(language=english)


class Migration(migrations.Migration):

    dependencies = [
        ('plebiscites', '0003_decision_withheld'),
        ('world', '0004_state_geometry'),
    ]

    operations = [
        migrations.AddField(
            model_name='plebiscite',
            name='language',
            field=models.ForeignKey(null=True, on_delete=models.PROTECT, related_name='+', to='world.language'),
        ),
        migrations.RunPython(english_for_earlier_questions, migrations.RunPython.noop),
    ]

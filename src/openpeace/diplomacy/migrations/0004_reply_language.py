"""A reply gets its language. The replies recorded before it had none; each is taken to be in
the language of the note the offer sent to its government (the first by tag if there were
several), as a government most often answers in the language it was addressed in; a reply whose
government had no note is taken to be in English, the register's English (added to the register
if it has none, as the one language it can be shown in). The column is made required in 0005, in
a transaction of its own: PostgreSQL refuses to alter a table with the foreign key checks of
these updates still pending."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def languages_for_earlier_replies(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor
                                  ) -> None:
    replies = apps.get_model("diplomacy", "Reply").objects.filter(language=None)
    notes = apps.get_model("diplomacy", "Note").objects.filter(
        offer=models.OuterRef("offer"), state=models.OuterRef("state"))
    # Each row is updated once: a row updated twice in one transaction has every other foreign
    # key of it checked again at the end, and those pending checks would stop 0004's index.
    replies.filter(models.Exists(notes)).update(language=models.Subquery(
        notes.order_by("language__tag").values("language")[:1]))
    if not replies.exists():
        return
    english, _ = apps.get_model("world", "Language").objects.get_or_create(
        tag="en", defaults={"name": "English", "direction": "ltr"})
    replies.update(language=english)


class Migration(migrations.Migration):

    dependencies = [
        ('diplomacy', '0003_armistice_ended_and_demarcation'),
        ('world', '0004_state_geometry'),
    ]

    operations = [
        migrations.AddField(
            model_name='reply',
            name='language',
            field=models.ForeignKey(null=True, on_delete=models.PROTECT, related_name='+', to='world.language'),
        ),
        migrations.RunPython(languages_for_earlier_replies, migrations.RunPython.noop),
    ]

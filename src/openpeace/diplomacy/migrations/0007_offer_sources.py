"""An offer keeps the sources its file cites: none for an offer stored before (an empty list),
as none was kept then."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('diplomacy', '0006_alter_belligerentprocess_stage'),
    ]

    operations = [
        migrations.AddField(
            model_name='offer',
            name='sources',
            field=models.JSONField(blank=True, default=list, help_text='where the offer comes from, published with it: [{"key", "title", "url", "language"}], url and language optional (docs/offer-format.md)'),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('diplomacy', '0005_reply_language_required'),
    ]

    operations = [
        migrations.AlterField(
            model_name='belligerentprocess',
            name='stage',
            field=models.CharField(choices=[('offered', 'offered, awaiting a reply'), ('silent', 'silent: no reply by the deadline'), ('rejected', 'rejected'), ('counter_proposed', 'counter-proposed'), ('negotiating', 'negotiating'), ('armistice_accepted', 'armistice accepted'), ('armistice_in_force', 'armistice in force'), ('armistice_ended', 'armistice ended: no truce any more'), ('peace_concluded', 'peace concluded')], max_length=32),
        ),
    ]

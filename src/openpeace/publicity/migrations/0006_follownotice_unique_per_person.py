"""A follow notice is unique per (canonical address, entry), once 0005 has kept one per
person and act."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publicity', '0005_follownotice_once_per_person'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='follownotice',
            name='follow_notice_once',
        ),
        migrations.AddConstraint(
            model_name='follownotice',
            constraint=models.UniqueConstraint(fields=('canonical', 'entry'), name='follow_notice_once_per_person'),
        ),
    ]

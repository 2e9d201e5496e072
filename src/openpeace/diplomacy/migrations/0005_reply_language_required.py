from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('diplomacy', '0004_reply_language'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reply',
            name='language',
            field=models.ForeignKey(help_text="the language the reply is sent in, any of the register's: every page, feed and export marks its text with it", on_delete=models.PROTECT, related_name='+', to='world.language'),
        ),
    ]

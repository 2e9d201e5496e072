from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plebiscites', '0004_plebiscite_language'),
    ]

    operations = [
        migrations.AlterField(
            model_name='plebiscite',
            name='language',
            field=models.ForeignKey(help_text="the language the question is written in, one of the nationality's: every page marks the question with it", on_delete=models.PROTECT, related_name='+', to='world.language'),
        ),
    ]

"""The network a follow was submitted from, for the cap per network (empty on the follows there
were: their network is unknown, and they count towards no network's cap); and the endorsements'
mails wait for their checks and are not sent while suspect (the partial index the dispatch reads
leaves the suspects out)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publicity', '0006_follownotice_unique_per_person'),
    ]

    operations = [
        migrations.AddField(
            model_name='follow',
            name='network',
            field=models.CharField(blank=True, default='', help_text='the /24 (IPv4) or /48 (IPv6) network it was submitted from, for the cap on follows waiting per network; empty if unknown; erased when it stops', max_length=50),
        ),
        migrations.AddIndex(
            model_name='follow',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['network', 'submitted_at'], name='follow_pending_by_network'),
        ),
        migrations.RemoveIndex(
            model_name='endorsement',
            name='endorsement_mail_due',
        ),
        migrations.AddIndex(
            model_name='endorsement',
            index=models.Index(condition=models.Q(('checked_at__isnull', False), ('mails_due__gt', models.F('mails_sent')), ('suspect', '')), fields=['id'], name='endorsement_mail_due'),
        ),
    ]

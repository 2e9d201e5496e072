"""A follow notice is one act for one person: unique per (canonical address, entry) instead of
per (follow, entry), so that a person whose follows an act answers twice gets it once."""

from typing import Any

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery


def one_notice_per_person(apps: Any, schema_editor: Any) -> None:
    """Give each notice its follow's person, and keep one notice per person and act: the one
    already sent if there is one (the act was mailed), else an immediate follow's, else the
    oldest; the follows of the others go to its `also`, the rest is deleted."""
    Follow = apps.get_model("publicity", "Follow")
    FollowNotice = apps.get_model("publicity", "FollowNotice")
    FollowNotice.objects.update(canonical=Subquery(
        Follow.objects.filter(pk=OuterRef("follow_id")).values("canonical")[:1]))
    doubles = list(FollowNotice.objects.values("canonical", "entry_id")
                   .annotate(n=Count("pk")).filter(n__gt=1).order_by())
    for double in doubles:
        kept, *dropped = sorted(
            FollowNotice.objects.filter(canonical=double["canonical"], entry_id=double["entry_id"])
            .select_related("follow"),
            key=lambda notice: (notice.sent_at is None, notice.follow.frequency != "immediate",
                                notice.pk))
        kept.also = [notice.follow_id for notice in dropped]
        kept.save(update_fields=["also"])
        FollowNotice.objects.filter(pk__in=[notice.pk for notice in dropped]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('publicity', '0004_feedconcern'),
        ('transparency', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='follownotice',
            name='canonical',
            field=models.CharField(default='', help_text="the person: the follow's canonical address", max_length=254),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='follownotice',
            name='also',
            field=models.JSONField(blank=True, default=list, help_text="the ids of the person's other follows this act answers; the mail names them, and it goes to one of them if `follow` stops before it is sent"),
        ),
        migrations.RunPython(one_notice_per_person, migrations.RunPython.noop, elidable=True),
        # The constraints change in 0006, in a transaction of its own: PostgreSQL refuses to
        # alter a table whose rows this one changed while their deferred checks are pending.
    ]

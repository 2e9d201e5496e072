"""A follow's person is a keyed hash of the canonical address (`follows.services.person_of`),
not the canonical address itself: an unsubscribed follow, and the notices it sent, kept the
canonical form of an address that unsubscribing was meant to erase. Every person there was is
hashed, in the follows and in their notices alike, so the constraints and the grouping hold as
before (equal addresses, equal hashes).

Backwards it changes nothing: an address cannot be had from its hash. Forwards it hashes only
what is still an address (it has an `@`, a hash has none), so running it again changes
nothing."""

from typing import Any

from django.db import migrations, models

from openpeace.publicity.follows.services import person_of


def hash_the_people(apps: Any, schema_editor: Any) -> None:
    """Each canonical address there is, in both tables, becomes its person's hash; one update
    per address and table."""
    Follow = apps.get_model("publicity", "Follow")
    FollowNotice = apps.get_model("publicity", "FollowNotice")
    addresses = {address for model in (Follow, FollowNotice) for address in
                 model.objects.filter(canonical__contains="@")
                 .values_list("canonical", flat=True).distinct().order_by()}
    for address in sorted(addresses):
        for model in (Follow, FollowNotice):
            model.objects.filter(canonical=address).update(canonical=person_of(address))


class Migration(migrations.Migration):

    dependencies = [
        ('publicity', '0007_follow_network_mail_after_checks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='follow',
            name='canonical',
            field=models.CharField(help_text='the person: a keyed hash of the canonical address (`services.person_of`), never the address', max_length=254),
        ),
        migrations.AlterField(
            model_name='follownotice',
            name='canonical',
            field=models.CharField(help_text="the person: the follow's keyed hash of the canonical address", max_length=254),
        ),
        migrations.RunPython(hash_the_people, migrations.RunPython.noop, elidable=True),
    ]

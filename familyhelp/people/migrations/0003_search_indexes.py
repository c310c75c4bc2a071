# Indexes for person search (familyhelp/people/search.py, docs/adr/0010-person-search.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0002_person_merged_into'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['former_upn'], name='person_former_upn_idx'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['phonetic_given', 'search_family'], name='person_given_key_family_idx'),
        ),
        migrations.AddIndex(
            model_name='personname',
            index=models.Index(fields=['phonetic_given'], name='personname_phonetic_given_idx'),
        ),
    ]

# A chunk's shared calls (its lookups) stored once, in SalesforceCall rows
# that each attempt lists by id; the attempt's own part stays in the columns
# "requests" and "responses", now read through ``own_requests`` and
# ``own_responses`` (a rename in the model only: no column changes). Old
# attempts keep their whole transcript in those columns and list no calls.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deliveries', '0009_delivery_replay'),
        ('destinations', '0002_describe_cache'),
    ]

    operations = [
        migrations.CreateModel(
            name='SalesforceCall',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('request', models.JSONField(default=dict)),
                ('response', models.JSONField(default=dict)),
                ('duration_ms', models.PositiveIntegerField(blank=True, null=True)),
                ('created_at', models.DateTimeField(db_index=True)),
                (
                    'destination',
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name='+', to='destinations.destination'
                    ),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(model_name='attempt', old_name='requests', new_name='own_requests'),
                migrations.AlterField(
                    model_name='attempt',
                    name='own_requests',
                    field=models.JSONField(db_column='requests', default=list),
                ),
                migrations.RenameField(model_name='attempt', old_name='responses', new_name='own_responses'),
                migrations.AlterField(
                    model_name='attempt',
                    name='own_responses',
                    field=models.JSONField(db_column='responses', default=list),
                ),
            ],
        ),
        migrations.AddField(
            model_name='attempt',
            name='shared_calls',
            field=models.JSONField(blank=True, default=list),
        ),
    ]

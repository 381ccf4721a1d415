# Deliveries had an index of their own on action_id and on destination_id,
# besides composite indexes that start with those columns
# (due_deliveries_of_action; data_out_of_destination, data_out_by_status,
# data_out_of_bulk_job). Any query by action or destination can use the
# composites; the single-column ones only cost each insert and update. They
# are dropped by name as the database reports it, so that no table is rebuilt.

import django.db.models.deletion
from django.db import migrations, models

_COLUMNS = ("action_id", "destination_id")


def _single_column_indexes(schema_editor, model, column):
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]
    ]


def drop(apps, schema_editor):
    model = apps.get_model("deliveries", "Delivery")
    for column in _COLUMNS:
        for name in _single_column_indexes(schema_editor, model, column):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def restore(apps, schema_editor):
    model = apps.get_model("deliveries", "Delivery")
    for column in _COLUMNS:
        if not _single_column_indexes(schema_editor, model, column):
            field = next(f for f in model._meta.concrete_fields if f.column == column)
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


def _unindexed(name, to):
    return migrations.AlterField(
        model_name='delivery',
        name=name,
        field=models.ForeignKey(
            db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to=to
        ),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('deliveries', '0010_salesforce_calls_stored_once'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                _unindexed('action', 'actions.action'),
                _unindexed('destination', 'destinations.destination'),
            ],
        ),
    ]

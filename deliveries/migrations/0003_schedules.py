"""The periodic tasks: the sweep that wakes senders, and the daily prune."""

from django.db import migrations

SCHEDULES = [
    # A lost task or a dead worker costs at most this minute.
    {"name": "Wake senders of due deliveries", "func": "deliveries.tasks.sweep", "schedule_type": "I", "minutes": 1},
    {"name": "Prune old events and Data Out", "func": "deliveries.tasks.prune", "schedule_type": "D", "minutes": None},
]


def install(apps, schema_editor):
    schedule = apps.get_model("django_q", "Schedule")
    for spec in SCHEDULES:
        schedule.objects.update_or_create(
            name=spec["name"],
            defaults={"func": spec["func"], "schedule_type": spec["schedule_type"], "minutes": spec["minutes"], "repeats": -1},
        )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=[s["name"] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deliveries", "0002_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(install, remove)]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("actions", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="action",
            name="wake_queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]

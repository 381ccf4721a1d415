from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("deliveries", "0003_schedules")]

    operations = [
        migrations.AddField(model_name="delivery", name="is_test", field=models.BooleanField(default=False)),
    ]

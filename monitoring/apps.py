from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        from monitoring.heartbeats import start_worker_heartbeat

        # Sent inside each queue worker process once it is ready for work.
        post_spawn.connect(start_worker_heartbeat, dispatch_uid="monitoring-worker-heartbeat")

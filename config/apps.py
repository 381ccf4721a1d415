from django.apps import AppConfig


class ProjectConfig(AppConfig):
    name = "config"
    verbose_name = "Project"

    def ready(self) -> None:
        # Registers the deployment check that mail is set up.
        from config import mail  # noqa: F401

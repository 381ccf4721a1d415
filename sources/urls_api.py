from django.urls import re_path

from sources.api import intake

# No trailing-slash redirect may ever answer here: clients turn a redirected
# POST into a GET (or give up), so both spellings are routed directly.
urlpatterns = [
    re_path(r"^v1/batch/?$", intake, name="intake-batch"),
    re_path(
        r"^v1/(?P<message_type>identify|track|page|screen|group|alias)/?$",
        intake,
        name="intake-message",
    ),
]

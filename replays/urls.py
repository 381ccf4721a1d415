from django.urls import path

from replays import views

app_name = "replays"
urlpatterns = [
    path("", views.replay, name="replay"),
    path("<int:replay_id>/progress/", views.progress, name="progress"),
]

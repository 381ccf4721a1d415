from django.urls import path

from actions import views, views_editor

app_name = "actions"
urlpatterns = [
    path("", views.action_list, name="list"),
    path("new/<str:kind>/", views_editor.action_new, name="new"),
    path("trigger/", views_editor.check_trigger, name="check-trigger"),
    path("<uuid:action_id>/", views_editor.action_edit, name="edit"),
    path("<uuid:action_id>/toggle/", views.action_toggle, name="toggle"),
    path("<uuid:action_id>/delete/", views.action_delete, name="delete"),
]

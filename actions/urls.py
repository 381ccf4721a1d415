from django.urls import path

from actions import views, views_editor, views_preview

app_name = "actions"
urlpatterns = [
    path("", views.action_list, name="list"),
    path("archived/", views.archived_list, name="archived"),
    path("new/<str:kind>/", views_editor.action_new, name="new"),
    path("trigger/", views_editor.check_trigger, name="check-trigger"),
    path("events/", views_preview.event_picker, name="events"),
    path("preview/", views_preview.preview, name="preview"),
    path("<uuid:action_id>/", views_editor.action_edit, name="edit"),
    path("<uuid:action_id>/send-test/", views_preview.send_test_event, name="send-test"),
    path("<uuid:action_id>/toggle/", views.action_toggle, name="toggle"),
    path("<uuid:action_id>/delete/", views.action_delete, name="delete"),
    path("<uuid:action_id>/restore/", views.action_restore, name="restore"),
]

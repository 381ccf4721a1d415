from django.urls import path

from workspaces import views

app_name = "workspaces"
urlpatterns = [
    path("", views.connections, name="connections"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/remove/", views.remove_member, name="remove-member"),
]

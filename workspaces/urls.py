from django.urls import path

from workspaces import views, views_members

app_name = "workspaces"
urlpatterns = [
    path("", views.connections, name="connections"),
    path("members/", views_members.members, name="members"),
    path("members/leave/", views_members.leave, name="leave"),
    path("members/<int:membership_id>/remove/", views_members.remove_member, name="remove-member"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views_members.revoke_invitation,
        name="revoke-invitation",
    ),
]

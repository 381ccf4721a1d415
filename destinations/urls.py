from django.urls import path

from destinations import views

app_name = "destinations"
urlpatterns = [
    path("", views.destination_list, name="list"),
    path("add/", views.destination_add, name="add"),
    path("new/", views.destination_create, name="create"),
    path("<uuid:destination_id>/enable/", views.destination_enable, name="enable"),
    path("<uuid:destination_id>/", views.destination_detail, name="detail"),
    path("<uuid:destination_id>/settings/", views.destination_settings, name="settings"),
    path("<uuid:destination_id>/connect/", views.destination_connect, name="connect"),
    path("<uuid:destination_id>/disconnect/", views.destination_disconnect, name="disconnect"),
    path("<uuid:destination_id>/metadata/refresh/", views.refresh_metadata, name="refresh-metadata"),
    path("<uuid:destination_id>/confirm/<str:confirmation_id>/", views.confirm_org, name="confirm-org"),
    path("<uuid:destination_id>/confirm/<str:confirmation_id>/cancel/", views.cancel_org, name="cancel-org"),
]

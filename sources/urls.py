from django.urls import path

from sources import views

app_name = "sources"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("new/", views.source_create, name="create"),
    path("<uuid:source_id>/", views.source_detail, name="detail"),
    path("<uuid:source_id>/rotate/", views.source_rotate, name="rotate"),
    path("<uuid:source_id>/end-grace/", views.source_end_grace, name="end_grace"),
    path("<uuid:source_id>/delete/", views.source_delete, name="delete"),
]

from django.urls import path

from deliveries import views, views_retry

app_name = "deliveries"
urlpatterns = [
    path("", views.data_out, name="data-out"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("retry-failed/", views_retry.retry_failed, name="retry-failed"),
    path("<int:delivery_id>/", views.delivery_detail, name="detail"),
    path("<int:delivery_id>/retry/", views_retry.retry_delivery, name="retry"),
]

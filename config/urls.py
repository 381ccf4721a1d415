from django.contrib import admin
from django.urls import include, path

from destinations.views import oauth_callback
from workspaces.views import home

urlpatterns = [
    path("", include("sources.urls_api")),
    path("", home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("w/<uuid:workspace_id>/", include("workspaces.urls")),
    path("w/<uuid:workspace_id>/sources/", include("sources.urls")),
    path("w/<uuid:workspace_id>/destinations/", include("destinations.urls")),
    path("w/<uuid:workspace_id>/destinations/<uuid:destination_id>/actions/", include("actions.urls")),
    path("w/<uuid:workspace_id>/destinations/<uuid:destination_id>/data-out/", include("deliveries.urls")),
    path("w/<uuid:workspace_id>/destinations/<uuid:destination_id>/replay/", include("replays.urls")),
    path("w/<uuid:workspace_id>/destinations/<uuid:destination_id>/alerts/", include("alerts.urls")),
    # The redirect URI registered with Salesforce: {PUBLIC_URL}/oauth/salesforce/callback/
    path("oauth/salesforce/callback/", oauth_callback, name="salesforce-callback"),
]

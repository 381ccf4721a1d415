from allauth.account.decorators import secure_admin_login
from allauth.account.views import password_reset
from django.contrib import admin
from django.urls import include, path

from config.mail import needs_mail
from destinations.views import oauth_callback
from workspaces.views import home
from workspaces.views_members import accept_invitation

# The admin signs in through allauth's form, whose failed-attempt limits would
# otherwise be bypassed by the admin's own login page.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", include("sources.urls_api")),
    # Probes and metrics for the people running the install (docs/deploy.md).
    path("", include("monitoring.urls")),
    path("", home, name="home"),
    # Before allauth's own route: without mail, a reset link must not be made at all.
    path("accounts/password/reset/", needs_mail(password_reset), name="account_reset_password"),
    path("accounts/", include("allauth.urls")),
    # The link of an invitation email; its token is in the query string.
    path("invitations/accept/", accept_invitation, name="accept-invitation"),
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

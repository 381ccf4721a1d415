from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Mark a user's email address verified, for servers without mail (or a first staff user). "
        "Whoever runs this vouches that the address belongs to that user."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the address a user signs in with")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user signs in with {email!r}.")
        # Another account may hold the same address unverified (added, never
        # proved): only this user's row is touched.
        EmailAddress.objects.update_or_create(
            user=user,
            email__iexact=user.email,
            defaults={"email": user.email, "verified": True, "primary": True},
        )
        self.stdout.write(f"{user.email} is verified.")

"""`{% mail_is_set_up as ok %}`: whether pages may promise an email."""

from __future__ import annotations

from django import template

from workspaces.invitation_mail import mail_is_set_up as _mail_is_set_up

register = template.Library()


@register.simple_tag
def mail_is_set_up() -> bool:
    return _mail_is_set_up()

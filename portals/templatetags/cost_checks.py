"""The review screen's section comparing a request's quotes with the cost references."""

from django import template

from costs.review import quote_checks as checks_for

register = template.Library()


@register.simple_tag
def quote_checks(funding_request) -> list:
    return checks_for(funding_request)

from django import template
from django.utils import timezone

from timerules.deadlines import in_plain_words
from timerules.models import RequestDeadline

register = template.Library()


@register.inclusion_tag("timerules/deadline.html")
def request_deadline(funding_request):
    """The request's deadline in plain words, on every request page."""
    deadline = (
        RequestDeadline.objects.filter(request=funding_request).select_related("rule").first()
    )
    return {"words": in_plain_words(deadline, today=timezone.localdate())}

from django.contrib import admin

from guides.models import Testimonial


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    """Staff may remove a testimonial (deleting it); its content is the SME's own words."""

    list_display = ("request", "show_name", "consent_given_at")
    readonly_fields = ("request", "text", "show_name", "consent_given_at", "given_by")

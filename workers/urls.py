from django.urls import path

from workers import views

app_name = "workers"

urlpatterns = [
    path("jobs/<int:job_id>/progress", views.job_progress, name="job-progress"),
]

from django.urls import path

from timerules import views

app_name = "timerules"

urlpatterns = [
    path("echeances/", views.deadlines_dashboard, name="deadlines"),
]

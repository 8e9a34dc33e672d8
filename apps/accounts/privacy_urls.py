"""Privacy self-service: download my data, erase my data."""

urlpatterns = []

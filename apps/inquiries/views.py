from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView

from apps.core.ratelimits import ratelimit

from .forms import InquiryForm
from .services import inquiry_create


@method_decorator(ratelimit(key="ip", rate="10/h", method="POST", block=True), name="post")
class ContactView(FormView):
    template_name = "inquiries/inquiry_form.html"
    form_class = InquiryForm
    http_method_names = ["get", "head", "post"]

    def form_valid(self, form):
        if not form.is_spam():
            data = {field: form.cleaned_data[field] for field in InquiryForm.Meta.fields}
            inquiry_create(**data)
        # A honeypot catch looks like success, so the bot learns nothing.
        return redirect("inquiries:thanks")


class ThanksView(TemplateView):
    template_name = "inquiries/inquiry_thanks.html"

"""The learning admin: an event's evaluation questions (inline on the event) and its post-test
questions, each with its answers, exactly one of them correct."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from apps.events.models import Event

from ..models import EvaluationQuestion, PostTestChoice, PostTestQuestion


class EvaluationQuestionInline(admin.TabularInline):
    """The event's evaluation: ratings (1 to 5) and free-text questions, in position order."""

    model = EvaluationQuestion
    extra = 0
    fields = ["position", "kind", "text", "required"]
    verbose_name = "evaluation question"
    verbose_name_plural = "evaluation questions (for CE)"


class PostTestChoiceFormSet(forms.BaseInlineFormSet):
    """A question needs at least two answers and exactly one correct answer."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("text")
        ]
        if len(kept) < 2:
            raise ValidationError("Give at least two answers to choose from.")
        correct = sum(1 for data in kept if data.get("is_correct"))
        if correct != 1:
            raise ValidationError(
                f"Mark exactly one answer as correct ({correct} are marked)."
                if correct
                else "Mark exactly one answer as correct (none is marked)."
            )


class PostTestChoiceInline(admin.TabularInline):
    model = PostTestChoice
    formset = PostTestChoiceFormSet
    extra = 0
    min_num = 2
    fields = ["position", "text", "is_correct"]


def _events_missing_questions():
    """Events that require a post-test for CE but have no question yet: no one can pass it."""
    questions = PostTestQuestion.objects.filter(event=OuterRef("pk"))
    return Event.objects.filter(ce_requires_post_test=True).exclude(Exists(questions)).order_by("starts_at")


@admin.register(PostTestQuestion)
class PostTestQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "event", "position", "answers"]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event"]
    search_fields = ["text", "event__title"]
    autocomplete_fields = ["event"]
    fields = ["event", "position", "text"]
    inlines = [PostTestChoiceInline]
    ordering = ["event__starts_at", "event", "position", "pk"]

    @admin.display(description="answers")
    def answers(self, obj):
        return len(obj.choices.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("choices")

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            missing = list(_events_missing_questions()[:10])
            if missing:
                titles = "; ".join(str(event) for event in missing)
                self.message_user(
                    request,
                    "These events require a post-test for CE but have no questions yet, so nobody can take it "
                    f"(attendees see “not ready yet”): {titles}.",
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)

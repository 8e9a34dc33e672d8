"""The participant's CE forms: the event's evaluation and its post-test, built from the questions
staff wrote (one field per question, named by the question's id)."""

from django import forms

from apps.core.form_messages import choice_messages, text_messages

from .models import CERecord, EvaluationAnswer, EvaluationQuestion

RATING_CHOICES = [(1, "1 (poor)"), (2, "2 (fair)"), (3, "3 (good)"), (4, "4 (very good)"), (5, "5 (excellent)")]
TEXT_LIMIT = EvaluationAnswer._meta.get_field("text").max_length


def _name(question):
    return f"question_{question.pk}"


class EvaluationForm(forms.Form):
    """A rating question is a radio group 1 to 5 (a fieldset with its legend), a text question a
    textarea; then the licence number to print on the certificate."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            if question.kind == EvaluationQuestion.Kind.RATING:
                field = forms.TypedChoiceField(
                    choices=RATING_CHOICES,
                    coerce=int,
                    empty_value=None,
                    widget=forms.RadioSelect,
                    error_messages=choice_messages("a rating from 1 to 5", required="Choose a rating from 1 to 5"),
                )
            else:
                field = forms.CharField(
                    max_length=TEXT_LIMIT,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages=text_messages(what="Your answer", limit=TEXT_LIMIT, required="Write your answer"),
                )
            field.label = question.text
            field.required = question.required
            if not question.required:
                field.label = f"{question.text} (optional)"
            self.fields[_name(question)] = field
        licence = CERecord._meta.get_field("licence_number")
        self.fields["licence_number"] = forms.CharField(
            label="Licence number (printed on your CE certificate)",
            required=False,
            max_length=licence.max_length,
            help_text="Optional. Your board may ask for it; leave it empty if not.",
            error_messages=text_messages(what="The licence number", limit=licence.max_length),
        )

    def answers(self):
        """[(question, rating or None, text)] for each question, in order."""
        answers = []
        for question in self.questions:
            value = self.cleaned_data.get(_name(question))
            if question.kind == EvaluationQuestion.Kind.RATING:
                answers.append((question, value, ""))
            else:
                answers.append((question, None, (value or "").strip()))
        return answers


class PostTestForm(forms.Form):
    """Each question a radio group of its answers; every question must be answered."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for number, question in enumerate(self.questions, start=1):
            self.fields[_name(question)] = forms.TypedChoiceField(
                label=f"{number}. {question.text}",
                choices=[(choice.pk, choice.text) for choice in question.choices.all()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages=choice_messages("an answer", required="Choose an answer to this question"),
            )

    def answers(self):
        """{question id: chosen answer id}."""
        return {question.pk: self.cleaned_data[_name(question)] for question in self.questions}

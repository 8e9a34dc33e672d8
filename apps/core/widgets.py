"""Form widgets of the public pages."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class FilterSelect(forms.Select):
    """A `<select>` of flat choices written in Python: the filter menus of the public lists (up to
    250 countries) are on pages rendered for every visitor, and Django's `Select` renders a template
    for each option, which cost the registry a fifth of its render. Same markup, same attributes;
    grouped choices go to Django's own rendering."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = []
        for option, label in self.choices:  # one pass: a ModelChoiceIterator is read once, uncounted
            if isinstance(label, (list, tuple)):
                return super().render(name, value, attrs, renderer)
            mark = " selected" if str(option) in selected else ""
            options.append(f'<option value="{escape(option)}"{mark}>{escape(label)}</option>')
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # Every value and label above is escaped; flatatt escapes the attributes.
        return mark_safe(f"<select{flatatt(final_attrs)}>{''.join(options)}</select>")  # noqa: S308

"""The portal's one date and time style, for pages and emails alike: "3 December 2026" and
"3 December 2026, 14:00 GMT" (a time in a zone's own clock, with its abbreviation).

Templates write `{{ value|date }}`, `{{ value|date:"DATETIME_FORMAT" }}` and `{{ value|time }}`;
Python writes `django.utils.formats.date_format(value, "DATETIME_FORMAT")`. Django reads these
through FORMAT_MODULE_PATH, ahead of its own English formats ("Dec. 3, 2026").
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
TIME_FORMAT = "H:i T"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"

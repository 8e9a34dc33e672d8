"""Small HTML readers for assertions that should not depend on whitespace."""

from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs, text)
        self._open = []

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        if tag not in {"input", "img", "br", "hr", "meta", "link", "source"}:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element[2] += data


def elements(html, tag=None, **attrs):
    """Elements of `html` as (tag, attrs, text), filtered by tag and exact attribute values."""
    collector = _Collector()
    collector.feed(html)
    found = []
    for name, element_attrs, text in collector.elements:
        if tag and name != tag:
            continue
        if all(element_attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()):
            found.append((name, element_attrs, " ".join(text.split())))
    return found


def labels(html):
    """{input id: label text} for every <label for=...>."""
    return {attrs["for"]: text for _, attrs, text in elements(html, "label") if "for" in attrs}


def text_of(html, tag, **attrs):
    """The whitespace-normalised text of the first matching element."""
    return elements(html, tag, **attrs)[0][2]


class _ControlCollector(_Collector):
    """Also records, for every element, the names of the form controls inside it."""

    def __init__(self):
        super().__init__()
        self.controls = {}  # id(element) -> [names]

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in {"input", "select", "textarea"} and name:
            for element in self._open:
                names = self.controls.setdefault(id(element), [])
                if name not in names:
                    names.append(name)
        super().handle_starttag(tag, attrs)


def control_names(html, tag=None, **attrs):
    """For each element of `html` matching like `elements`, the names of the form controls (input,
    select, textarea) inside it, in page order and each once, as (attrs, names)."""
    collector = _ControlCollector()
    collector.feed(html)
    found = []
    for element in collector.elements:
        name, element_attrs, _ = element
        if tag and name != tag:
            continue
        if all(element_attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()):
            found.append((element_attrs, collector.controls.get(id(element), [])))
    return found

import pytest

from apps.core.markdown import render_markdown


def test_markdown_renders_links_lists_and_emphasis():
    html = render_markdown("Read *this* [page](/faq/).\n\n- one\n- two")

    assert html == (
        '<p>Read <em>this</em> <a href="/faq/" rel="noopener noreferrer">page</a>.</p>\n'
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>Hello", "\n<p>Hello</p>"),
        ('<img src="x" onerror="alert(1)">', "<p></p>"),
        ('<p onclick="steal()">Hi</p>', "<p>Hi</p>"),
        ("[click](javascript:alert(1))", '<p><a rel="noopener noreferrer">click</a></p>'),
        (
            '<a href="https://example.org" onmouseover="x()">x</a>',
            '<p><a href="https://example.org" rel="noopener noreferrer">x</a></p>',
        ),
        ('<div style="position:fixed">x</div>', "x"),
        ("<iframe src='https://evil.example'></iframe>", ""),
    ],
)
def test_sanitiser_strips_scripts_event_handlers_and_dangerous_urls(source, expected):
    assert render_markdown(source) == expected

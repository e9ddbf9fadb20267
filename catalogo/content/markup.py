"""Markdown bodies to safe HTML: content is untrusted, so the output passes an allow-list.

Bodies are CommonMark with GitHub's tables, strikethrough and task lists, rendered by
pulldown-cmark (Rust, through pyromark): as GitHub's pull request preview shows them, in about
0.03 ms per 1,000-word practice where Python-Markdown took 2.3 ms, the largest cost of a build.
(cmark-gfm's Python binding was tried first: it leaks each document's tree, 36 KB a body.)
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
import pyromark

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH | pyromark.Options.ENABLE_TASKLISTS

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


# An opening '<hN' (whatever follows) or a closing '</hN>', N from 1 to 5, and what it becomes.
_HEADING = re.compile(r"<h([1-5])|</h([1-5])>")
_SHIFTED = {**{f"<h{n}": f"<h{n + 1}" for n in range(1, 6)}, **{f"</h{n}>": f"</h{n + 1}>" for n in range(1, 6)}}


def _shift_headings(html: str) -> str:
    """The page has its own h1 (the title): body headings start at h2. One pass, not ten
    replacements (a third of the time)."""
    return _HEADING.sub(lambda found: _SHIFTED[found[0]], html)


def _html(text: str) -> str:
    """pyromark's HTML of a copy of ``text``: an extension that reads a str keeps its UTF-8 form
    inside it, as long as the str lives, and a practice's body lives as long as the build (70 MB
    more at 10,000 practices)."""
    return pyromark.html(text.encode("utf-8").decode("utf-8"), options=_OPTIONS)


@lru_cache(maxsize=256)
def render_markdown(text: str) -> str:
    """Markdown -> sanitized HTML, headings shifted below the page title."""
    # Raw HTML and javascript: links come through to nh3, which keeps only the allow-list.
    html = _shift_headings(_html(text))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


# Tags of nh3's output (it escapes '<' and '>' in text and in attribute values alike): those inside a
# word as a reader sees it ('inter**comunale**'), and every other one, which ends a word (table
# cells, line breaks, blocks).
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|code|del|em|i|strong|sub|sup)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def markdown_text(text: str) -> str:
    """The words of a Markdown body, for search: its page's sanitized HTML (render_markdown keeps it
    for the task that made the page) without its tags. nh3 has left no script or style and no
    comment, and escapes the text as a pass of nh3 without tags would: the same words, with no
    second Markdown and HTML pass per practice (0.17 s at 1,000 practices)."""
    return " ".join(_TAG.sub(" ", _INLINE_TAG.sub("", render_markdown(text))).split())

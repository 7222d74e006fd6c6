"""Checks every public page must pass: ``lang`` set, each input labelled, nothing loaded from another site."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

FORM_FIELDS = {"input", "select", "textarea"}
#: What every browser asks for: a page's error answers a client that asks for no HTML with the API's JSON.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass
class Page(HTMLParser):
    lang: str | None = None
    fields: list[dict] = field(default_factory=list)
    label_targets: set[str] = field(default_factory=set)
    #: (tag, address) of every script, stylesheet, font, image or frame the page loads.
    loads: list[tuple[str, str]] = field(default_factory=list)
    _label_depth: int = 0

    def __post_init__(self):
        super().__init__()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_targets.add(attrs["for"])
        elif tag in FORM_FIELDS and attrs.get("type") not in ("hidden", "submit", "button"):
            self.fields.append({**attrs, "_tag": tag, "_wrapped": self._label_depth > 0})
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.loads.append((tag, attrs["src"]))
        if tag == "link" and attrs.get("href"):
            self.loads.append((tag, attrs["href"]))

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1

    def unlabelled(self) -> list[dict]:
        return [f for f in self.fields if not (f["_wrapped"] or f.get("id") in self.label_targets
                                               or f.get("aria-label") or f.get("aria-labelledby"))]

    def external_loads(self) -> list[tuple[str, str]]:
        return [(tag, url) for tag, url in self.loads if urlsplit(url).scheme or url.startswith("//")]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def assert_accessible_page(html: str, lang: str) -> Page:
    page = parse(html)
    assert page.lang == lang
    assert page.unlabelled() == []
    assert page.external_loads() == []
    assert page.loads, "the page loads the local stylesheet"
    return page


def html(client, url: str, status: int = 200, lang: str = "pl") -> str:
    """The page at ``url`` in ``lang``, after checking its status and that it is HTML."""
    response = client.get(url, headers={"Accept-Language": lang, "Accept": BROWSER_ACCEPT})
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


class _Pieces(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pieces: list[str] = []

    def handle_data(self, data):
        if data.strip():
            self.pieces.append(data.strip())


def words(html: str) -> str:
    """A page's text as a tester's tool or a screen reader may read it: each piece between tags on its own, joined
    by spaces; punctuation right after a tag then shows as " ," or " :"."""
    reader = _Pieces()
    reader.feed(html)
    return " ".join(reader.pieces)

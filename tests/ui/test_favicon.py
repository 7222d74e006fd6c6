"""Every service answers /favicon.ico, and every page's shell links the site's small SVG icon: no page's request
for an icon ends in a 404."""

import re

ICON_LINK = re.compile(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">')


def test_the_shell_links_the_icon_and_the_icon_is_served(ui_app):
    client = ui_app.test_client()
    html = client.get("/page").get_data(as_text=True)
    head = html.split("</head>", 1)[0]
    href = ICON_LINK.search(head).group(1)
    with client.get(href) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).lstrip().startswith("<svg")


def test_every_service_answers_favicon_ico(partners_app, events_app, notify_app, programme_app):
    for app in (partners_app, events_app, notify_app, programme_app):
        with app.test_client().get("/favicon.ico") as icon:
            assert icon.status_code == 200, app.name
            assert icon.mimetype == "image/svg+xml" and b"<svg" in icon.get_data()
            assert "max-age" in icon.headers.get("Cache-Control", "")


def test_each_service_s_page_links_an_icon_it_serves(partners_app, events_app, notify_app):
    for app, path in ((partners_app, "/"), (events_app, "/"), (notify_app, "/subscribe")):
        client = app.test_client()
        html = client.get(path).get_data(as_text=True)
        link = ICON_LINK.search(html.split("</head>", 1)[0])
        assert link is not None, (app.name, path)
        with client.get(link.group(1)) as icon:
            assert icon.status_code == 200

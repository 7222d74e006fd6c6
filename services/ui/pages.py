"""What a page that shows a signed-in member's or a person's data answers with: rendered, never kept by a cache."""

from flask import make_response, render_template


def private_page(template: str, status: int = 200, **context):
    """The template rendered with ``context``, answered with ``Cache-Control: no-store``."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response

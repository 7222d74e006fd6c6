"""Building notice e-mails: the text and HTML parts from Jinja templates, the .ics attachment and the headers."""

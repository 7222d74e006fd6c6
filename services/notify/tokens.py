"""Signed links: confirm (expires), preferences and unsubscribe (do not: they are in every e-mail sent)."""

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSES = ("confirm", "preferences", "unsubscribe")
#: The unsubscribe link of a partner meeting notice, naming a member (``member:<membership id>``) or, in notices made
#: before member contacts, an organisation (its id).
CONTACT = "contact"
#: A registration's links, naming the registration's key: confirm the address (expires), cancel (does not).
REGISTRATION_PURPOSES = ("confirm-registration", "cancel-registration")
MEMBER = "member:"


class InvalidToken(Exception):
    pass


class ExpiredToken(InvalidToken):
    pass


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in (*PURPOSES, CONTACT, *REGISTRATION_PURPOSES):
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(secret, salt=f"osl-notify-{purpose}")


def make_token(secret: str, purpose: str, subscriber_key: str) -> str:
    return _serializer(secret, purpose).dumps(subscriber_key)


def contact_links(config: dict, recipient: str) -> dict[str, str]:
    """A meeting notice carries one link: stop these notices for the member's (``member:<id>``) or the
    organisation's (``<id>``) address."""
    token = make_token(config["SECRET_KEY"], CONTACT, recipient)
    return {"unsubscribe": f"{config['BASE_URL'].rstrip('/')}/subscriptions/{CONTACT}/{token}"}


def read_token(secret: str, purpose: str, token: str, max_age_seconds: float | None = None) -> str:
    """The subscriber key the token names; raises ExpiredToken or InvalidToken."""
    try:
        value = _serializer(secret, purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise ExpiredToken(str(exc)) from None
    except BadSignature as exc:
        raise InvalidToken(str(exc)) from None
    if not isinstance(value, str):
        raise InvalidToken("the token does not name a subscriber")
    return value


def links(config: dict, subscriber_key: str) -> dict[str, str]:
    """The absolute URLs of a subscriber's signed links."""
    base = config["BASE_URL"].rstrip("/")
    secret = config["SECRET_KEY"]
    return {purpose: f"{base}/subscriptions/{purpose}/{make_token(secret, purpose, subscriber_key)}"
            for purpose in PURPOSES}


def registration_links(config: dict, registration_key: str) -> dict[str, str]:
    """The absolute URLs of a registration's signed links: ``confirm`` and ``cancel``."""
    base = config["BASE_URL"].rstrip("/")
    secret = config["SECRET_KEY"]
    return {purpose.split("-")[0]: f"{base}/registrations/{purpose.split('-')[0]}/"
            f"{make_token(secret, purpose, registration_key)}" for purpose in REGISTRATION_PURPOSES}

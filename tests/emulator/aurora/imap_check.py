"""The IMAP LOGIN Aurora makes before it saves an account or logs a mail user in."""
import imaplib
import re
import ssl

from .errors import ApiError


IMAP_TIMEOUT_SECONDS = 10


def _lenient_tls():
    # inferred: MailSo does not verify mail-server certificates by default.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _imap_text(error):
    text = error.args[0] if error.args else ""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return re.sub(r"^\[([^\]]*)\]", r"(\1)", text)  # MailSo shows the response code in parentheses


def imap_login(host, port, use_ssl, login, password):
    """LOGIN on the account's IMAP server as Aurora does before saving; raise 4001/4002 on failure."""
    connect_error = ApiError(4001, f'Can\'t connect to host "{"ssl" if use_ssl else "tcp"}://{host}:{port}"')
    if not host:  # inferred: "tcp://:143" cannot be connected to (Python would pick localhost)
        raise connect_error
    try:
        if use_ssl:
            client = imaplib.IMAP4_SSL(host, port, ssl_context=_lenient_tls(), timeout=IMAP_TIMEOUT_SECONDS)
        else:
            client = imaplib.IMAP4(host, port, timeout=IMAP_TIMEOUT_SECONDS)
    except (OSError, imaplib.IMAP4.error):
        raise connect_error from None
    try:
        if not use_ssl and "STARTTLS" in client.capabilities:
            client.starttls(_lenient_tls())
        client.login(login, password)
    except (OSError, imaplib.IMAP4.abort):
        raise connect_error from None
    except imaplib.IMAP4.error as error:
        # Observed text: ":TAG1 NO (AUTHENTICATIONFAILED) ..." (no account id yet before the colon).
        # inferred: the LOGIN is always MailSo's first tagged command, so always TAG1.
        raise ApiError(4002, ":TAG1 NO " + _imap_text(error)) from None
    except UnicodeError:
        # inferred: a credential imaplib cannot send is refused like a wrong one.
        raise ApiError(4002, ":TAG1 NO (AUTHENTICATIONFAILED) Authentication failed.") from None
    finally:
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass

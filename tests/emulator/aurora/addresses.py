"""E-mail addresses and the newline-separated domain lists of mail servers."""
import re

from .php import php_str


def split_domains(domains):
    return [line.strip(" \t\n\r\0\x0b") for line in php_str(domains).split("\n") if line.strip(" \t\n\r\0\x0b")]


def trim_domains(domains):
    """Mail servers manager trimDomains(): trim every line, drop blank ones."""
    return "\n".join(split_domains(domains))


def email_domain(email):
    match = re.match(r".+@(.+)$", email)
    return match.group(1) if match else ""

# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The web transport of ``_api.AuroraClient``: one HTTP exchange with Aurora's web API, with the library requests.

Facts relied on (docs/aurora-api-notes.md, "Transport"): POST form fields Module, Method and Parameters (JSON text)
to ``<api_url>/?/Api/`` with ``Authorization: Bearer``. No cookie is ever sent (Aurora 9 lets a cookie override the
header) and no ``X-Client`` header (it would hide the token in a cookie). Only the web transport imports this
module, so a task through the PHP API loads no HTTP library.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

try:
    from http.cookiejar import DefaultCookiePolicy
except ImportError:  # pragma: no cover - Python 2 is not supported, import sanity only
    DefaultCookiePolicy = object

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.auth import AuthBase
    import urllib3
    from urllib3.exceptions import InsecureRequestWarning, NewConnectionError
except ImportError as exc:  # pragma: no cover - reported by the module through missing_required_lib
    requests = None
    AuthBase = object
    NewConnectionError = None
    urllib3 = None
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraError, AuroraTransportError

API_ROUTE = '?/Api/'
CONNECTIONS = 10  # kept open per client; a thread pool larger than this reconnects for each call
BODY_EXCERPT = 120
GATEWAY_TIMEOUT = 504  # a proxy gave up waiting: Aurora may still be working on the request


def api_endpoint(api_url):
    """``https://host/webmail`` -> ``https://host/webmail/?/Api/`` (an URL already ending in the route is kept)."""
    url = api_url.strip()
    if url.lower().endswith(API_ROUTE.lower()):
        return url
    return url.rstrip('/') + '/' + API_ROUTE


class _NoCookies(DefaultCookiePolicy):
    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False


class _Bearer(AuthBase):
    """Per-request auth; giving requests an auth object also keeps it from applying ~/.netrc credentials."""

    def __init__(self, token):
        self.token = token

    def __call__(self, request):
        if self.token:
            request.headers['Authorization'] = 'Bearer ' + self.token
        return request


class WebTransport:
    """HTTP exchanges with one Aurora's web API over one session (``connections``: connections it keeps)."""

    def __init__(self, api_url, validate_certs=True, ca_path=None, connections=None):
        if requests is None:
            raise AuroraError('The Python library "requests" is required to talk to Aurora: %s' % REQUESTS_IMPORT_ERROR)
        self.endpoint = api_endpoint(api_url)
        self.verify = (ca_path or True) if validate_certs else False
        if not validate_certs:
            urllib3.disable_warnings(InsecureRequestWarning)
        self.session = requests.Session()
        self.session.cookies.set_policy(_NoCookies())
        if (connections or CONNECTIONS) > CONNECTIONS:
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=connections)
            self.session.mount('https://', adapter)
            self.session.mount('http://', adapter)

    def send(self, module, method, params, token, wait, scrub):
        """One HTTP exchange, waiting at most ``wait`` seconds for the answer; ``scrub(text)``: the text without the
        call's secrets, for what an error quotes. Returns the decoded envelope (dict) or raises AuroraTransportError.
        """
        data = {'Module': module, 'Method': method}
        if params is not None:
            data['Parameters'] = json.dumps(params)
        try:
            response = self.session.post(self.endpoint, data=data, auth=_Bearer(token), timeout=wait,
                                         verify=self.verify, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise AuroraTransportError('TLS handshake with %s failed (%s); give the CA with ca_path, or set '
                                       'validate_certs: false for a self-signed test server'
                                       % (self.endpoint, _root_cause(exc)), module, method, sent=False, retryable=False)
        except requests.exceptions.ConnectTimeout:
            raise AuroraTransportError('could not connect to %s within %s s' % (self.endpoint, seconds(wait)),
                                       module, method, sent=False)
        except requests.exceptions.ConnectionError as exc:
            if _never_connected(exc):
                raise AuroraTransportError('could not connect to %s (%s)' % (self.endpoint, _root_cause(exc)),
                                           module, method, sent=False)
            raise AuroraTransportError('the connection broke before an answer came (%s)' % _root_cause(exc),
                                       module, method)
        except requests.exceptions.Timeout:
            raise AuroraTransportError('no answer within %s s (timeout)' % seconds(wait), module, method,
                                       timed_out=True)
        except requests.exceptions.RequestException as exc:
            raise AuroraTransportError('the request failed (%s)' % _root_cause(exc), module, method)
        return _decode(response, module, method, scrub)


def _decode(response, module, method, scrub):
    body = response.text
    status = response.status_code
    if 300 <= status < 400:
        raise AuroraTransportError('HTTP %d redirect to %s; set api_url to the address Aurora redirects to'
                                   % (status, response.headers.get('Location', '?')), module, method, status=status)
    if status != 200:
        raise AuroraTransportError('HTTP %d with body %s' % (status, _excerpt(body, scrub)),
                                   module, method, status=status, timed_out=status == GATEWAY_TIMEOUT)
    try:
        envelope = json.loads(body)
    except ValueError:
        raise AuroraTransportError('HTTP 200 with a body that is not JSON: %s' % _excerpt(body, scrub),
                                   module, method, status=status)
    if not isinstance(envelope, dict) or ('ErrorCode' not in envelope and 'Result' not in envelope):
        raise AuroraTransportError('HTTP 200 with JSON that is not an Aurora answer: %s' % _excerpt(body, scrub),
                                   module, method, status=status)
    return envelope


def _excerpt(body, scrub):
    if not body:
        return '(empty)'
    text = scrub(body)
    return repr(text[:BODY_EXCERPT] + ('...' if len(text) > BODY_EXCERPT else ''))


def seconds(value):
    """1 -> '1', 2.5 -> '2.5', 0.4999 -> '0.5'."""
    return '%g' % round(value, 1)


def _causes(exc):
    """The exception and the ones it wraps (requests -> urllib3 -> socket), outermost first."""
    chain = [exc]
    while len(chain) < 8:
        current = chain[-1]
        inner = getattr(current, 'reason', None)
        if not isinstance(inner, Exception):
            inner = current.args[0] if current.args and isinstance(current.args[0], Exception) else None
        if inner is None or inner in chain:
            break
        chain.append(inner)
    return chain


def _root_cause(exc):
    return str(_causes(exc)[-1])


def _never_connected(exc):
    """True when the connection was never established, so the request was not sent."""
    return NewConnectionError is not None and any(isinstance(cause, NewConnectionError) for cause in _causes(exc))

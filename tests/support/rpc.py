"""Talking to a real server as a user, over JSON-RPC like sao.

    client = server.rpc_as('wangtianhong', 'feida2026')   # an RPCClient
    client.search_read('party.party', [], ['name'])
    with pytest.raises(RPCAccessError):
        client.call('crm.department', 'create', [{'name': 'X'}])

Errors come back as RPCError subclasses, so a test can tell an access
refusal (RPCAccessError) from a business error (RPCUserError), a warning
to confirm (RPCUserWarning), a refused login (RPCLoginError) and anything
else (RPCServerError, with the server's traceback).

post_jsonrpc makes one raw call; basic_auth and session_auth build the two
Authorization headers trytond accepts; SessionTransport gives
xmlrpc.client a session.
"""
import base64
import contextlib
import functools
import json
import re
import urllib.error
import urllib.request
import xmlrpc.client
from pathlib import Path


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

class RPCError(Exception):
    "An error answered by the server; `kind` is Tryton's exception name"

    def __init__(self, kind, message, description='', data=None):
        super().__init__(kind, message, description)
        self.kind = kind
        self.message = message
        self.description = description
        self.data = data

    def __str__(self):
        text = f'{self.kind}: {self.message}'
        if self.description:
            text += f' - {self.description}'
        return text


class RPCUserError(RPCError):
    "trytond UserError and its subclasses (validation, business rules)"


class RPCAccessError(RPCUserError):
    """A refusal by access rights, record rules, button/wizard/report access
    (ir.model.access, ir.rule, ir.model.button …). Tryton sends these as a
    plain UserError: they are recognised by the text of ir's messages, in
    English and zh_CN."""


class RPCUserWarning(RPCError):
    "trytond UserWarning: `name` is the warning key to skip it"

    @property
    def name(self):
        return self.data[0] if self.data else None


class RPCLoginError(RPCError):
    "Login refused (wrong password, HTTP 401/403) or LoginException"


class RPCConcurrencyError(RPCError):
    pass


class RPCServerError(RPCError):
    "Any other exception: `description` holds the server traceback"


@functools.cache
def _access_error_patterns():
    """Regular expressions matching ir's access-refusal messages, built from
    the installed trytond's message.xml and zh_CN.po."""
    import trytond
    ir = Path(trytond.__file__).parent / 'ir'
    ids = [
        'msg_access_rule_error', 'msg_access_rule_field_error',
        'msg_read_rule_error', 'msg_write_rule_error',
        'msg_create_rule_error', 'msg_delete_rule_error',
        'msg_access_button_error', 'msg_access_wizard_error',
        'msg_access_wizard_model_error', 'msg_access_report_error',
        ]
    from lxml import etree
    texts = {}
    tree = etree.parse(str(ir / 'message.xml'))
    for record in tree.iterfind('.//record'):
        if record.get('id') in ids:
            texts[record.get('id')] = [record.findtext('field')]
    for lang_file in (ir / 'locale').glob('zh_CN.po'):
        for ctxt, msgstr in _po_entries(lang_file):
            name = ctxt.rsplit(':', 1)[-1]
            if ctxt.startswith('model:ir.message,text:') and name in ids \
                    and msgstr:
                texts[name].append(msgstr)
    patterns = []
    for variants in texts.values():
        for text in variants:
            # Only the first line: the rest lists the rules
            first = text.strip().splitlines()[0]
            parts = re.split(r'%\(\w+\)s', first)
            patterns.append(re.compile(
                '.*?'.join(re.escape(p) for p in parts), re.S))
    return patterns


def _po_entries(path):
    "(msgctxt, msgstr) pairs of a .po file"
    entries, current, key = [], {}, None
    for line in Path(path).read_text(encoding='utf-8').splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            if current:
                entries.append(current)
                current, key = {}, None
            continue
        match = re.match(r'^(msgctxt|msgid|msgstr)\s+(".*")$', line)
        if match:
            key = match.group(1)
            current[key] = json.loads(match.group(2))
        elif line.startswith('"') and key:
            current[key] += json.loads(line)
    if current:
        entries.append(current)
    return [(e.get('msgctxt', ''), e.get('msgstr', '')) for e in entries]


def is_access_refusal(message):
    return any(p.search(message or '') for p in _access_error_patterns())


def error_from_tryton(error):
    "The RPCError for the `error` member of a JSON-RPC answer"
    if isinstance(error, (list, tuple)) and len(error) == 2 \
            and isinstance(error[0], str):
        kind, args = error
        if kind == 'UserError':
            message, description = args[0], args[1] if len(args) > 1 else ''
            cls = (RPCAccessError if is_access_refusal(message)
                else RPCUserError)
            return cls(kind, message, description, args)
        if kind == 'UserWarning':
            name, message, description = args
            return RPCUserWarning(kind, message, description, args)
        if kind == 'LoginException':
            name, message, type_ = args
            return RPCLoginError(kind, message, '', args)
        if kind == 'ConcurrencyException':
            return RPCConcurrencyError(kind, args, '', args)
        # An unexpected exception: (str(exception), traceback)
        return RPCServerError('ServerError', kind, args, error)
    return RPCServerError('ServerError', str(error), '', error)


# ---------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------

def json_dumps(data):
    from trytond.protocols.jsonrpc import JSONEncoder
    return json.dumps(data, cls=JSONEncoder, separators=(',', ':'))


def json_loads(text):
    from trytond.protocols.jsonrpc import JSONDecoder
    return json.loads(text, object_hook=JSONDecoder())


def basic_auth(login, password):
    token = base64.b64encode(f'{login}:{password}'.encode('utf-8'))
    return 'Basic ' + token.decode('ascii')


def session_auth(login, user_id, session):
    token = base64.b64encode(f'{login}:{user_id}:{session}'.encode('utf-8'))
    return 'Session ' + token.decode('ascii')


def post_jsonrpc(url, method, params, authorization=None, timeout=300):
    """Call `method` at `url`; return the result or raise an RPCError
    (RPCLoginError for an HTTP 401/403)."""
    body = json_dumps({'id': 1, 'method': method, 'params': list(params)})
    request = urllib.request.Request(
        url, data=body.encode('utf-8'), method='POST',
        headers={'Content-Type': 'application/json'})
    if authorization:
        request.add_header('Authorization', authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json_loads(response.read().decode('utf-8'))
    except urllib.error.HTTPError as e:
        text = e.read().decode('utf-8', errors='replace')
        if e.code in {401, 403}:
            raise RPCLoginError(f'HTTP {e.code}', e.reason, text) from None
        raise RPCServerError(f'HTTP {e.code}', e.reason, text) from None
    if answer.get('error') is not None:
        raise error_from_tryton(answer['error'])
    return answer.get('result')


class SessionTransport(xmlrpc.client.Transport):
    "xmlrpc.client transport sending Tryton's Session authorization"

    def __init__(self, authorization):
        super().__init__()
        self._authorization = authorization

    def send_headers(self, connection, headers):
        connection.putheader('Authorization', self._authorization)
        super().send_headers(connection, headers)


class RPCClient:
    """A user logged in over JSON-RPC with a session, like sao: the context
    of the user's preferences goes with every call."""

    def __init__(self, server, login, password, language='en'):
        self.server = server
        self.login = login
        self.user_id, self.session = server.login(login, password, language)
        self.authorization = session_auth(login, self.user_id, self.session)
        self.preferences = self.raw(
            'model.res.user.get_preferences', False, {})
        self.context = self.raw('model.res.user.get_preferences', True, {})

    def __repr__(self):
        return f'<RPCClient {self.login}@{self.server.database}>'

    def raw(self, method, *params):
        "A call by Tryton method name ('model.party.party.read'), as is"
        return post_jsonrpc(
            self.server.rpc_url, method, params, self.authorization)

    def _context(self, context):
        return {**self.context, **(context or {})}

    def call(self, model, method, *args, context=None):
        "model.MODEL.METHOD(*args, context) with the user's context"
        return self.raw(f'model.{model}.{method}', *args,
            self._context(context))

    def search(self, model, domain, offset=0, limit=None, order=None,
            context=None):
        return self.call(model, 'search', domain, offset, limit, order,
            context=context)

    def search_read(self, model, domain, fields_names, offset=0, limit=None,
            order=None, context=None):
        return self.call(model, 'search_read', domain, offset, limit, order,
            fields_names, context=context)

    def search_count(self, model, domain, context=None):
        return self.call(model, 'search_count', domain, context=context)

    def read(self, model, ids, fields_names, context=None):
        return self.call(model, 'read', ids, fields_names, context=context)

    def create(self, model, values, context=None):
        "Create from a list of dicts; return the ids"
        return self.call(model, 'create', values, context=context)

    def write(self, model, ids, values, context=None):
        return self.call(model, 'write', ids, values, context=context)

    def delete(self, model, ids, context=None):
        return self.call(model, 'delete', ids, context=context)

    def button(self, model, name, ids, context=None):
        "Press the button `name` on the records `ids`"
        return self.call(model, name, ids, context=context)

    def run_wizard(self, name, steps, model=None, ids=None, context=None):
        """Run wizard `name` as the client does: create it, execute each
        (state, data) of `steps` in turn (data: the values of the view
        shown before, {view state: {field: value}}), delete it. model and
        ids: the records it is launched on. Returns the execute results."""
        context = self._context(context)
        if model:
            ids = list(ids or [])
            context.update(active_model=model, active_ids=ids,
                active_id=ids[0] if ids else None)
        session_id, _, _ = self.raw(f'wizard.{name}.create', context)
        results = []
        try:
            for state, data in steps:
                results.append(self.raw(f'wizard.{name}.execute',
                        session_id, data or {}, state, context))
        finally:
            self.raw(f'wizard.{name}.delete', session_id, context)
        return results

    def model_data_id(self, module, fs_id):
        "The database id of the XML record module.fs_id (e.g. a group)"
        return self.call('ir.model.data', 'get_id', module, fs_id)

    def logout(self):
        with contextlib.suppress(RPCError):
            self.raw('common.db.logout')

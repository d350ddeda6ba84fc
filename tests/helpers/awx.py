"""The AWX credential type the collection ships, and what a controller makes of it for a job.

``job_environment(inputs)`` applies the injectors of extensions/awx/credential_type_aurora.yml to a credential's
inputs the way AWX and Automation Controller do (awx's ``CredentialType.inject_credential``): an input that is a
string is put into the template namespace only when it is not empty, a boolean input that is not set is false, and
each ``injectors.env`` template is rendered with Jinja2's immutable sandbox, where an undefined name renders empty.
"""

import os

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tests.helpers.collection import REPO_ROOT

CREDENTIAL_TYPE_FILE = os.path.join(REPO_ROOT, 'extensions', 'awx', 'credential_type_aurora.yml')


def credential_type():
    """The shipped credential type, as the dict its file holds."""
    with open(CREDENTIAL_TYPE_FILE) as handle:
        return yaml.safe_load(handle)


def validate_inputs(definition, inputs):
    """Fail like the controller does for inputs the credential type does not accept."""
    fields = dict((field['id'], field) for field in definition['inputs']['fields'])
    unknown = sorted(set(inputs) - set(fields))
    if unknown:
        raise ValueError('unknown credential inputs: %s' % ', '.join(unknown))
    for name in definition['inputs'].get('required', []):
        if not inputs.get(name):
            raise ValueError('credential input %s is required' % name)
    for name, value in inputs.items():
        field = fields[name]
        if field['type'] == 'boolean' and not isinstance(value, bool):
            raise ValueError('credential input %s must be a boolean' % name)
        if field['type'] == 'string' and not isinstance(value, str):
            raise ValueError('credential input %s must be a string' % name)
        if field.get('choices') and value not in field['choices']:
            raise ValueError('credential input %s must be one of %s' % (name, ', '.join(field['choices'])))


def job_environment(inputs, definition=None):
    """{variable: value} that a job gets from a credential with ``inputs`` of the shipped credential type."""
    definition = definition or credential_type()
    validate_inputs(definition, inputs)
    namespace = {}
    for name, value in inputs.items():
        if isinstance(value, bool) or value:
            namespace[name] = value
    for field in definition['inputs']['fields']:
        if field['type'] == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    sandbox = ImmutableSandboxedEnvironment()
    return dict((variable, sandbox.from_string(template).render(**namespace))
                for variable, template in definition['injectors'].get('env', {}).items())

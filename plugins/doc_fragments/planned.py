# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The option planned of every bulk module: check mode over several tasks (module_utils/_planned.py).
    DOCUMENTATION = r'''
options:
  planned:
    description:
      - In check mode, what earlier tasks of the same run would create or change; ignored in a real run.
      - A check run writes nothing, so a tenant, mail server, mail domain or user that an earlier task would create is
        missing when the next task looks for it, and so is a setting that an earlier
        M(afterlogic.aurora.aurora_settings) task would set (multi-tenancy, groups, the MailDomains module). Give here
        the C(planned) that the earlier tasks returned, added together; this task then sees Aurora as the real run will
        have left it, and predicts exactly what the real run does. The role P(afterlogic.aurora.provision#role) does so
        between its steps.
      - Each entry names its tenant and mail server as the earlier task's item did, so a check run that feeds one task
        into the next reports for each item what the real run reports.
    type: list
    elements: dict
    default: []
    suboptions:
      kind:
        description: What the entry is.
        type: str
        required: true
        choices: [settings, tenant, mail_server, mail_domain, user]
      name:
        description:
          - The name of the tenant, mail server or mail domain, or the e-mail address of the user.
          - For V(settings), the Aurora module whose settings these are, or V(system).
        type: str
        required: true
      id:
        description: The id of the object when it exists already (it is changed, not created).
        type: int
      tenant:
        description: The tenant of the object, by name.
        type: str
      tenant_id:
        description: The tenant of the object, by id.
        type: int
      server:
        description: The mail server of a mail domain or of a user's login account, by name.
        type: str
      server_id:
        description: The mail server of a mail domain or of a user's login account, by id.
        type: int
      domains:
        description: The domains of a mail server.
        type: list
        elements: str
        default: []
      account:
        description: Whether the run creates the user's login mail account.
        type: bool
        default: false
      settings:
        description: For V(settings), the settings the run sets, by name, enums by the name Aurora stores.
        type: dict
'''

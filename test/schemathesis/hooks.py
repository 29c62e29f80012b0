"""Keeps a Schemathesis run from taking away its own footing.

The run logs in as one client (LOCKSTEP_CLIENT_ID) and finds its id, its environment and
every platform in the answers it reads. Deactivating that client, rotating its secret or
rate-limiting its environment would turn every later case into a 401 or 429, and an
operator's run could change the platforms other test files use. So a case that names one of
LOCKSTEP_PROTECTED (space-separated client ids, environment ids, platform names and ids) is
sent to an object that does not exist instead: the API still answers it (a 404 the document
lists), and everything the run created itself stays fair game.
"""

import os

import schemathesis

PROTECTED = set(os.environ.get("LOCKSTEP_PROTECTED", "").split())
MISSING = "schemathesis-protected-0000"


@schemathesis.hook
def before_call(context, case, kwargs):
    for name, value in (case.path_parameters or {}).items():
        if str(value) in PROTECTED:
            case.path_parameters[name] = MISSING

"""Drives KeyStone's own Python SDK (keystoneos) for Lockstep's conformance test.

Reads one JSON request a line on stdin and answers one JSON line on stdout, so the
TypeScript test can use the SDK exactly as a platform would, its code untouched: the
SDK builds every request from its pydantic models and parses every answer into them.
"""

import json
import sys

import pydantic
from keystoneos import KeystoneSyncClient
from keystoneos.exceptions import APIError, KeystoneError
from keystoneos.types.environments import EnvironmentCreate, EnvironmentUpdate
from keystoneos.types.instructions import InstructionCreate
from keystoneos.types.settlements import ComplianceDecisionRequest, SettlementCreate
from keystoneos.types.webhooks import WebhookEndpointCreate, WebhookEndpointUpdate
from keystoneos.utils import webhook_verify

# Which argument of a method is a request model, built here as a platform's code builds it.
REQUEST_MODELS = {
    "settlements.create": {0: SettlementCreate},
    "settlements.submit_compliance_decision": {1: ComplianceDecisionRequest},
    "instructions.submit": {0: InstructionCreate},
    "webhooks.create": {0: WebhookEndpointCreate},
    "webhooks.update": {1: WebhookEndpointUpdate},
    "environments.create": {0: EnvironmentCreate},
    "environments.update": {1: EnvironmentUpdate},
}

clients = {}


def dump(value):
    if isinstance(value, pydantic.BaseModel):
        return {"__model__": type(value).__name__, **value.model_dump(mode="json")}
    return value


def handle(request):
    op = request["op"]
    if op == "client":
        clients[request["name"]] = KeystoneSyncClient(**request["kwargs"])
        return None
    if op == "call":
        resource, method = request["method"].split(".")
        args = list(request.get("args", []))
        for index, model in REQUEST_MODELS.get(request["method"], {}).items():
            args[index] = model(**args[index])
        target = getattr(getattr(clients[request["client"]], resource), method)
        return dump(target(*args, **request.get("kwargs", {})))
    if op == "verify":
        # Both of the SDK's verifiers, each with its own argument order.
        payload = request["payload"].encode()
        return {
            "resource": clients[request["client"]].webhooks.verify_signature(payload, request["signature"], request["secret"]),
            "util": webhook_verify.verify_signature(payload, request["secret"], request["signature"]),
            "computed": webhook_verify.compute_signature(payload, request["secret"]),
        }
    raise ValueError(f"unknown op {op}")


for line in sys.stdin:
    request = json.loads(line)
    try:
        answer = {"ok": True, "result": handle(request)}
    except KeystoneError as err:
        answer = {
            "ok": False,
            "error": type(err).__name__,
            "status_code": getattr(err, "status_code", None),
            "detail": getattr(err, "detail", None),
            "retry_after": getattr(err, "retry_after", None),
            "message": str(err),
        }
    except pydantic.ValidationError as err:
        # The SDK could not read Lockstep's answer (or a request model refused its input).
        answer = {"ok": False, "error": "ModelValidationError", "title": err.title, "detail": err.errors(include_url=False), "message": str(err)}
    answer["id"] = request["id"]
    print(json.dumps(answer, default=str), flush=True)

"""Telemetry without any SDK: one request and one log line posted with the standard library only.

It reads APPLICATIONINSIGHTS_CONNECTION_STRING like the SDKs do (in VS Code it points at the
extension's local relay), so it runs before any `pip install`. Use "Run with Live Telemetry".
"""
import datetime
import json
import os
import sys
import urllib.request
import uuid


def parse_connection_string(value: str) -> dict:
    parts = (part.split("=", 1) for part in value.split(";") if "=" in part)
    return {key.strip().lower(): item.strip() for key, item in parts}


def envelope(ikey: str, operation_id: str, name: str, base_type: str, base_data: dict) -> dict:
    return {
        "name": name,
        "time": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "iKey": ikey,
        "tags": {"ai.cloud.role": "stdlib-sample", "ai.operation.id": operation_id},
        "data": {"baseType": base_type, "baseData": {"ver": 2, **base_data}},
    }


def main() -> int:
    setting = os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING")
    if not setting:
        print("APPLICATIONINSIGHTS_CONNECTION_STRING is not set: run this from VS Code with live telemetry.")
        return 1
    settings = parse_connection_string(setting)
    ikey = settings["instrumentationkey"]
    endpoint = settings.get("ingestionendpoint", "https://dc.services.visualstudio.com/")
    operation_id = uuid.uuid4().hex
    items = [
        envelope(ikey, operation_id, "Microsoft.ApplicationInsights.Request", "RequestData", {
            "id": uuid.uuid4().hex[:16],
            "name": "GET /orders",
            "duration": "00:00:00.042",
            "responseCode": "200",
            "success": True,
            "url": "http://localhost/orders",
        }),
        envelope(ikey, operation_id, "Microsoft.ApplicationInsights.Message", "MessageData", {
            "message": "orders listed without an SDK",
            "severityLevel": 1,
        }),
    ]
    request = urllib.request.Request(
        endpoint.rstrip("/") + "/v2.1/track",
        data=json.dumps(items).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        print(f"sent {len(items)} items: HTTP {response.status} {response.read().decode('utf-8')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

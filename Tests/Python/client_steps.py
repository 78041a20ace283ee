"""The step runner of the client scripts (fhirclient_app.py, fhirpy_app.py, backend_service.py):
every step is tried even when an earlier one failed, and one JSON report lists them all:
{"client", "steps": [{"name", "ok", "detail"}]}."""

import json


class Steps:
    def __init__(self, client):
        self.client = client
        self.steps = []

    def step(self, name):
        """Runs the decorated function now, as the step `name`; a failure is reported, not fatal."""

        def run(function):
            try:
                detail = function()
                self.steps.append({"name": name, "ok": True, "detail": detail or ""})
            except Exception as error:
                self.steps.append({"name": name, "ok": False, "detail": f"{type(error).__name__}: {error}"[:400]})
            return function

        return run

    def report(self):
        print(json.dumps({"client": self.client, "steps": self.steps}))

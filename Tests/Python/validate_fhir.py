#!/usr/bin/env python3
"""Validate FHIR R4 JSON documents with the R4B models of fhir.resources.

Usage: validate_fhir.py FILE_OR_DIRECTORY...

Every *.json file must be a FHIR resource (a Bundle's entries are validated with it). Prints one
line per file and exits 1 when any file fails validation, 2 when fhir.resources is not installed.
"""
import json
import pathlib
import sys

try:
    from fhir.resources.R4B import get_fhir_model_class
except ImportError:
    print("fhir.resources is not installed: pip install 'fhir.resources>=8'", file=sys.stderr)
    sys.exit(2)


def files(arguments):
    for argument in arguments:
        path = pathlib.Path(argument)
        if path.is_dir():
            yield from sorted(path.glob("*.json"))
        else:
            yield path


def main(arguments):
    failures = 0
    checked = 0
    for path in files(arguments):
        document = json.loads(path.read_text())
        resource_type = document.get("resourceType")
        try:
            get_fhir_model_class(resource_type).model_validate(document)
            print(f"ok      {path.name} ({resource_type})")
        except Exception as error:  # pydantic.ValidationError and unknown types alike
            failures += 1
            print(f"INVALID {path.name} ({resource_type}): {error}")
        checked += 1
    print(f"{checked} documents, {failures} invalid")
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

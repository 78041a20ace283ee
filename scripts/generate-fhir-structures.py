#!/usr/bin/env python3
"""Generates Sources/VigilCore/FHIR/Schema/FHIRSchema+Definitions.swift from the FHIR R4
StructureDefinitions in data/fhir-r4/ (see data/fhir-r4/README.md).

For every resource type and complex datatype it writes each element's type, whether it repeats,
whether it is required, its choice group (`value[x]`) and, for a code with a required binding,
the codes allowed. Run it again when the definitions change:

    scripts/generate-fhir-structures.py

The allowed codes come from the element's short description ("male | female | other | unknown"),
which the R4 definitions write as the list of the bound value set's codes. Where that list is
abridged ("registered | preliminary | final | amended +") the whole value set is written out in
COMPLETE_CODES below, from the R4 value set pages. Codes bound to no such list (MIME types,
resource types, languages) are checked for their lexical form only.
"""
import gzip
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "fhir-r4")
OUTPUT = os.path.join(ROOT, "Sources", "VigilCore", "FHIR", "Schema", "FHIRSchema+Definitions.swift")

# Required value sets whose short description ends in "+": the full R4 value sets.
OBSERVATION_STATUS = "registered preliminary final amended corrected cancelled entered-in-error unknown"
ENCOUNTER_STATUS = "planned arrived triaged in-progress onleave finished cancelled entered-in-error unknown"
COMPLETE_CODES = {
    "DetectedIssue.status": OBSERVATION_STATUS,
    "Observation.status": OBSERVATION_STATUS,
    "RiskAssessment.status": OBSERVATION_STATUS,
    "DiagnosticReport.status": "registered partial preliminary final amended corrected appended cancelled entered-in-error unknown",
    "Device.udiCarrier.entryType": "barcode rfid manual card self-reported unknown",
    "DeviceUseStatement.status": "active completed entered-in-error intended stopped on-hold",
    "Encounter.status": ENCOUNTER_STATUS,
    "Encounter.statusHistory.status": ENCOUNTER_STATUS,
    "Questionnaire.item.type": "group display boolean decimal integer date dateTime time string text url choice "
    "open-choice attachment reference quantity question",
    "SupplyRequest.status": "draft active suspended cancelled completed entered-in-error unknown",
    "Task.status": "draft requested received accepted rejected ready cancelled in-progress on-hold failed completed entered-in-error",
    "StructureMap.group.rule.target.transform": "create copy truncate escape cast append translate reference dateOp uuid "
    "pointer evaluate cc c qty id cp",
}

PRIMITIVES = {
    "boolean", "integer", "positiveInt", "unsignedInt", "decimal", "string", "markdown", "code", "id", "uri",
    "url", "canonical", "oid", "uuid", "base64Binary", "xhtml", "date", "dateTime", "instant", "time",
}


def load(name):
    with gzip.open(os.path.join(DATA, name + ".json.gz"), "rt", encoding="utf-8") as f:
        return [entry["resource"] for entry in json.load(f)["entry"]]


def type_code(element, type_entry):
    code = type_entry["code"]
    if not code.startswith("http://hl7.org/fhirpath/System."):
        return code
    if element["path"].count(".") == 1 and element["path"].endswith(".id") and element["base"]["path"] == "Resource.id":
        return "id"
    # The ids and values of primitives are FHIRPath system types; the fhir-type extension names them.
    for extension in type_entry.get("extension", []):
        if extension["url"].endswith("structuredefinition-fhir-type"):
            return extension["valueUrl"]
    return "id" if element["path"].endswith(".id") else "string"


def required_codes(element):
    binding = element.get("binding", {})
    if binding.get("strength") != "required":
        return None
    path = element["path"]
    if path in COMPLETE_CODES:
        return sorted(COMPLETE_CODES[path].split())
    short = element.get("short", "")
    if "|" not in short or "+" in short:
        return None
    # Each part is a code, sometimes followed by a gloss: "billing - purpose of this address".
    return sorted(part.split()[0] for part in short.split("|"))


def structure(definition, backbones):
    """The elements of one StructureDefinition, as {name: [type, repeats, required, group, codes]}."""
    root = definition["type"]
    tables = {root: {}}
    for element in definition["snapshot"]["element"][1:]:
        path = element["path"]
        parent, name = path.rsplit(".", 1)
        if element.get("max") == "0":
            continue
        repeats = 1 if element.get("max") != "1" else 0
        required = 1 if element.get("min", 0) > 0 else 0
        if "contentReference" in element:
            types = ["@" + element["contentReference"].lstrip("#")]
        elif any(t["code"] in ("BackboneElement", "Element") for t in element["type"]):
            tables.setdefault(path, {})
            types = ["@" + path]
        else:
            types = [type_code(element, t) for t in element["type"]]
        table = tables.setdefault(parent, {})
        codes = required_codes(element) if types == ["code"] else None
        if name.endswith("[x]"):
            group = name[:-3]
            for t in types:
                table[group + t[0].upper() + t[1:]] = [t, repeats, required, group, None]
        else:
            table[name] = [t for t in types][0:1] + [repeats, required, None, codes]
    for path, table in tables.items():
        if path != root:
            backbones[path] = table
    return tables[root]


def main():
    resources = {d["type"]: d for d in load("profiles-resources") if d["kind"] == "resource" and d.get("derivation") == "specialization"}
    datatypes = {d["type"]: d for d in load("profiles-types") if d["kind"] == "complex-type"}
    backbones = {}
    out = {
        "resources": {name: structure(d, backbones) for name, d in sorted(resources.items()) if not d.get("abstract")},
        "datatypes": {name: structure(d, backbones) for name, d in sorted(datatypes.items())},
    }
    out["backbones"] = dict(sorted(backbones.items()))
    for table in [*out["resources"].values(), *out["datatypes"].values(), *out["backbones"].values()]:
        for element in table.values():
            kind = element[0]
            assert kind in PRIMITIVES or kind == "Resource" or kind in datatypes or kind[1:] in backbones, kind
    text = json.dumps(out, separators=(",", ":"), sort_keys=True)
    assert '"""#' not in text
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write("// Generated by scripts/generate-fhir-structures.py from data/fhir-r4/ (FHIR R4 4.0.1, CC0). Do not edit.\n")
        f.write("// Each element: [type, repeats, required, choice group, codes of a required binding]; a type\n")
        f.write("// \"@Path\" is the backbone element of that path.\n\n")
        f.write("extension FHIRSchema {\n")
        f.write("    static let definitions = #\"\"\"\n")
        # One table per line keeps the diff of a regeneration readable.
        f.write(text.replace('},"', '},\n"'))
        f.write("\n\"\"\"#\n}\n")
    print(f"{len(out['resources'])} resources, {len(out['datatypes'])} datatypes, {len(backbones)} backbones, {len(text)} bytes",
          file=sys.stderr)


if __name__ == "__main__":
    main()

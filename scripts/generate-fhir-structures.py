#!/usr/bin/env python3
"""Generates Sources/VigilCore/FHIR/Schema/FHIRSchema+Definitions.swift from the FHIR R4
StructureDefinitions in data/fhir-r4/ (see data/fhir-r4/README.md), and
Sources/VigilCore/FHIR/Search/FHIRSearchParameter+Definitions.swift from its SearchParameters.

For every resource type and complex datatype it writes each element's type, whether it repeats,
whether it is required, its choice group (`value[x]`) and, for a code with a required binding,
the codes allowed, and whether it is in the summary (`_summary=true`). Run it again when the definitions change:

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
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "fhir-r4")
OUTPUT = os.path.join(ROOT, "Sources", "VigilCore", "FHIR", "Schema", "FHIRSchema+Definitions.swift")
SEARCH_OUTPUT = os.path.join(ROOT, "Sources", "VigilCore", "FHIR", "Search", "FHIRSearchParameter+Definitions.swift")
# The kinds of search parameter the store indexes; the others (number, uri, composite,
# special) are not offered, so a query using one is refused rather than half answered.
SEARCH_KINDS = {"token", "reference", "date", "string", "quantity"}

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


# Element path -> the resource types its Reference may point at (from targetProfile).
REFERENCE_TARGETS = {}


def structure(definition, backbones):
    """The elements of one StructureDefinition, as {name: [type, repeats, required, group, codes, summary]}."""
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
        targets = [p.rsplit("/", 1)[1] for t in element.get("type", []) if t["code"] == "Reference" for p in t.get("targetProfile", [])]
        if targets:
            REFERENCE_TARGETS[path] = targets
        table = tables.setdefault(parent, {})
        codes = required_codes(element) if types == ["code"] else None
        summary = 1 if element.get("isSummary") else 0
        if name.endswith("[x]"):
            group = name[:-3]
            for t in types:
                table[group + t[0].upper() + t[1:]] = [t, repeats, required, group, None, summary]
        else:
            table[name] = [types[0], repeats, required, None, codes, summary]
    for path, table in tables.items():
        if path != root:
            backbones[path] = table
    return tables[root]


def search_paths(expression, base, resolve):
    """The element paths of `base` that a SearchParameter expression reads, with the reference
    target its `where(resolve() is Type)` names; None when a part is more than a path (a filter on
    a value, a function), so that the parameter is left out rather than matching only some values."""
    paths, targets = [], set()
    for part in expression.split(" | "):
        part = part.strip()
        if part.startswith("(") and part.endswith(")"):
            part = part[1:-1]
        if not part.startswith(base + "."):
            continue
        body, target = part[len(base) + 1:], None
        match = re.fullmatch(r"(.+)\.where\(resolve\(\) is (\w+)\)", body)
        if match:
            body, target = match.groups()
        choice = re.fullmatch(r"(.+?)(?: as |\.as\()(\w+)\)?", body)
        if choice:
            body = choice.group(1)
        if not re.fullmatch(r"[a-zA-Z]+(\.[a-zA-Z]+)*", body):
            return None
        steps = resolve(body)
        if steps is None:
            return None
        if choice:
            steps[-1] = steps[-1].removesuffix("[x]") + choice.group(2)[0].upper() + choice.group(2)[1:]
        paths.append(".".join(steps))
        targets.add(target)
    if not paths:
        return None
    return paths, (targets.pop() if len(targets) == 1 else None)


def search_parameters(structures):
    """{type: [[name, kind, [paths], target]]} for every resource type of `structures`."""
    definitions = load("search-parameters")

    def resolver(base):
        def resolve(path):
            table, steps = structures["resources"][base], []
            for step in path.split("."):
                if table is None:
                    return None
                if step in table:
                    element = table[step]
                elif any(e[3] == step for e in table.values()):
                    element, step = None, step + "[x]"
                else:
                    return None
                steps.append(step)
                if element is None:
                    table = None
                elif element[0].startswith("@"):
                    table = structures["backbones"][element[0][1:]]
                else:
                    table = structures["datatypes"].get(element[0])
            return steps
        return resolve

    out = {}
    for definition in definitions:
        if definition["type"] not in SEARCH_KINDS or not definition.get("expression"):
            continue
        for base in definition["base"]:
            if base not in structures["resources"]:
                continue
            found = search_paths(definition["expression"], base, resolver(base))
            if not found:
                continue
            paths, target = found
            if target is None and definition["type"] == "reference":
                # An element that may only point at one type (Immunization.patient) names it.
                targets = {t for path in paths for t in REFERENCE_TARGETS.get(f"{base}.{path}", ["?", "?"])}
                target = targets.pop() if len(targets) == 1 and "Resource" not in targets else None
            # A type's own definition of a code comes before a shared one (both name `subject`).
            parameters = out.setdefault(base, {})
            if definition["code"] not in parameters or definition["base"] == [base]:
                parameters[definition["code"]] = [definition["code"], definition["type"], paths, target]
    return {base: sorted(parameters.values()) for base, parameters in sorted(out.items())}


def write_swift(path, header, declaration, text):
    assert '"""#' not in text
    with open(path, "w", encoding="utf-8") as f:
        f.write(header)
        f.write(declaration + " = #\"\"\"\n")
        # One table per line keeps the diff of a regeneration readable.
        f.write(text.replace('},"', '},\n"').replace('],"', '],\n"'))
        f.write("\n\"\"\"#\n}\n")


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
    write_swift(
        OUTPUT,
        "// Generated by scripts/generate-fhir-structures.py from data/fhir-r4/ (FHIR R4 4.0.1, CC0). Do not edit.\n"
        "// Each element: [type, repeats, required, choice group, codes of a required binding, in the summary]; a type\n"
        "// \"@Path\" is the backbone element of that path.\n\n",
        "extension FHIRSchema {\n    static let definitions",
        json.dumps(out, separators=(",", ":"), sort_keys=True),
    )
    parameters = search_parameters(out)
    write_swift(
        SEARCH_OUTPUT,
        "// Generated by scripts/generate-fhir-structures.py from data/fhir-r4/ (FHIR R4 4.0.1, CC0). Do not edit.\n"
        "// Per resource type, each search parameter: [name, kind, element paths, reference target].\n\n",
        "extension FHIRSearchParameter {\n    static let definitions",
        json.dumps(parameters, separators=(",", ":"), sort_keys=True),
    )
    print(f"{len(out['resources'])} resources, {len(out['datatypes'])} datatypes, {len(backbones)} backbones, "
          f"{sum(map(len, parameters.values()))} search parameters", file=sys.stderr)


if __name__ == "__main__":
    main()

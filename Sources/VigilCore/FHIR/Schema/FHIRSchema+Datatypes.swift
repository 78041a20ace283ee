// FHIR R4 complex datatypes (https://hl7.org/fhir/R4/datatypes.html), as far as the resources
// Vigil stores use them.

extension FHIRSchema {
    /// Elements every datatype may carry.
    static let elementBase: [String: FHIRElement] = [
        "id": .one(.string),
        "extension": .many(.complex("Extension")),
    ]

    /// Elements every backbone element may carry.
    static let backboneBase: [String: FHIRElement] =
        elementBase + [
            "modifierExtension": .many(.complex("Extension"))
        ]

    static let quantityElements: [String: FHIRElement] =
        elementBase + [
            "value": .one(.decimal),
            "comparator": .one(.codes("<", "<=", ">=", ">")),
            "unit": .one(.string),
            "system": .one(.uri),
            "code": .one(.code),
        ]

    /// The types an extension's `value[x]` may take here.
    static let extensionValueTypes: [String: FHIRElementType] = [
        "Boolean": .boolean, "Integer": .integer, "Decimal": .decimal, "String": .string, "Code": .code,
        "Uri": .uri, "Url": .url, "Canonical": .canonical, "Id": .id, "Markdown": .markdown,
        "PositiveInt": .positiveInt, "UnsignedInt": .unsignedInt, "Base64Binary": .base64Binary,
        "Date": .date, "DateTime": .dateTime, "Instant": .instant, "Time": .time,
        "Coding": .coding, "CodeableConcept": .codeableConcept, "Quantity": .quantity, "Reference": .reference,
        "Period": .period, "Identifier": .identifier, "Range": .range, "Ratio": .ratio, "Attachment": .attachment,
        "Address": .address, "HumanName": .humanName, "ContactPoint": .contactPoint, "Annotation": .annotation,
        "Age": .complex("Age"), "Duration": .complex("Duration"), "Timing": .timing,
    ]

    static let datatypes: [String: [String: FHIRElement]] = [
        "Extension": elementBase + ["url": .req(.uri)] + choice("value", extensionValueTypes),
        "Meta": elementBase + [
            "versionId": .one(.id),
            "lastUpdated": .one(.instant),
            "source": .one(.uri),
            "profile": .many(.canonical),
            "security": .many(.coding),
            "tag": .many(.coding),
        ],
        "Narrative": elementBase + [
            "status": .req(.codes("generated", "extensions", "additional", "empty")),
            "div": .req(.primitive(.xhtml)),
        ],
        "Coding": elementBase + [
            "system": .one(.uri),
            "version": .one(.string),
            "code": .one(.code),
            "display": .one(.string),
            "userSelected": .one(.boolean),
        ],
        "CodeableConcept": elementBase + [
            "coding": .many(.coding),
            "text": .one(.string),
        ],
        "Identifier": elementBase + [
            "use": .one(.codes("usual", "official", "temp", "secondary", "old")),
            "type": .one(.codeableConcept),
            "system": .one(.uri),
            "value": .one(.string),
            "period": .one(.period),
            "assigner": .one(.reference),
        ],
        "Reference": elementBase + [
            "reference": .one(.string),
            "type": .one(.uri),
            "identifier": .one(.identifier),
            "display": .one(.string),
        ],
        "Period": elementBase + [
            "start": .one(.dateTime),
            "end": .one(.dateTime),
        ],
        "Quantity": quantityElements,
        "Age": quantityElements,
        "Duration": quantityElements,
        "Range": elementBase + [
            "low": .one(.quantity),
            "high": .one(.quantity),
        ],
        "Ratio": elementBase + [
            "numerator": .one(.quantity),
            "denominator": .one(.quantity),
        ],
        "SampledData": elementBase + [
            "origin": .req(.quantity),
            "period": .req(.decimal),
            "factor": .one(.decimal),
            "lowerLimit": .one(.decimal),
            "upperLimit": .one(.decimal),
            "dimensions": .req(.positiveInt),
            "data": .one(.string),
        ],
        "HumanName": elementBase + [
            "use": .one(.codes("usual", "official", "temp", "nickname", "anonymous", "old", "maiden")),
            "text": .one(.string),
            "family": .one(.string),
            "given": .many(.string),
            "prefix": .many(.string),
            "suffix": .many(.string),
            "period": .one(.period),
        ],
        "ContactPoint": elementBase + [
            "system": .one(.codes("phone", "fax", "email", "pager", "url", "sms", "other")),
            "value": .one(.string),
            "use": .one(.codes("home", "work", "temp", "old", "mobile")),
            "rank": .one(.positiveInt),
            "period": .one(.period),
        ],
        "Address": elementBase + [
            "use": .one(.codes("home", "work", "temp", "old", "billing")),
            "type": .one(.codes("postal", "physical", "both")),
            "text": .one(.string),
            "line": .many(.string),
            "city": .one(.string),
            "district": .one(.string),
            "state": .one(.string),
            "postalCode": .one(.string),
            "country": .one(.string),
            "period": .one(.period),
        ],
        "Attachment": elementBase + [
            "contentType": .one(.code),
            "language": .one(.code),
            "data": .one(.base64Binary),
            "url": .one(.url),
            "size": .one(.unsignedInt),
            "hash": .one(.base64Binary),
            "title": .one(.string),
            "creation": .one(.dateTime),
        ],
        "Annotation": elementBase
            + choice("author", ["Reference": .reference, "String": .string])
            + [
                "time": .one(.dateTime),
                "text": .req(.markdown),
            ],
        "Timing": elementBase + [
            "event": .many(.dateTime),
            "repeat": .one(
                .backbone(
                    elementBase
                        + choice("bounds", ["Duration": .complex("Duration"), "Range": .range, "Period": .period])
                        + [
                            "count": .one(.positiveInt),
                            "countMax": .one(.positiveInt),
                            "duration": .one(.decimal),
                            "durationMax": .one(.decimal),
                            "durationUnit": .one(.codes("s", "min", "h", "d", "wk", "mo", "a")),
                            "frequency": .one(.positiveInt),
                            "frequencyMax": .one(.positiveInt),
                            "period": .one(.decimal),
                            "periodMax": .one(.decimal),
                            "periodUnit": .one(.codes("s", "min", "h", "d", "wk", "mo", "a")),
                            "dayOfWeek": .many(.codes("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
                            "timeOfDay": .many(.time),
                            "when": .many(.code),
                            "offset": .one(.unsignedInt),
                        ]
                )
            ),
            "code": .one(.codeableConcept),
        ],
        "Dosage": backboneBase
            + choice("asNeeded", ["Boolean": .boolean, "CodeableConcept": .codeableConcept])
            + [
                "sequence": .one(.integer),
                "text": .one(.string),
                "additionalInstruction": .many(.codeableConcept),
                "patientInstruction": .one(.string),
                "timing": .one(.timing),
                "site": .one(.codeableConcept),
                "route": .one(.codeableConcept),
                "method": .one(.codeableConcept),
                "doseAndRate": .many(
                    .backbone(
                        elementBase
                            + choice("dose", ["Range": .range, "Quantity": .quantity])
                            + choice("rate", ["Ratio": .ratio, "Range": .range, "Quantity": .quantity])
                            + ["type": .one(.codeableConcept)]
                    )
                ),
                "maxDosePerPeriod": .one(.ratio),
                "maxDosePerAdministration": .one(.quantity),
                "maxDosePerLifetime": .one(.quantity),
            ],
    ]
}

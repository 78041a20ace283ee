// The patient's record (FHIR R4 Observation, Condition, Immunization, DiagnosticReport,
// ImagingStudy, MedicationStatement, Procedure, CarePlan).

extension FHIRSchema {
    static let observationValueTypes: [String: FHIRElementType] = [
        "Quantity": .quantity, "CodeableConcept": .codeableConcept, "String": .string, "Boolean": .boolean,
        "Integer": .integer, "Range": .range, "Ratio": .ratio, "SampledData": .sampledData, "Time": .time,
        "DateTime": .dateTime, "Period": .period,
    ]

    static let referenceRange = FHIRElementType.backbone(
        backboneBase + [
            "low": .one(.quantity),
            "high": .one(.quantity),
            "type": .one(.codeableConcept),
            "appliesTo": .many(.codeableConcept),
            "age": .one(.range),
            "text": .one(.string),
        ])

    static let onsetTypes: [String: FHIRElementType] = [
        "DateTime": .dateTime, "Age": .complex("Age"), "Period": .period, "Range": .range, "String": .string,
    ]

    static let performerWithFunction = FHIRElementType.backbone(
        backboneBase + [
            "function": .one(.codeableConcept),
            "actor": .req(.reference),
        ])

    static let clinicalResources: [String: [String: FHIRElement]] = [
        "Observation": [
            "identifier": .many(.identifier),
            "basedOn": .many(.reference),
            "partOf": .many(.reference),
            "status": .req(.codes("registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown")),
            "category": .many(.codeableConcept),
            "code": .req(.codeableConcept),
            "subject": .one(.reference),
            "focus": .many(.reference),
            "encounter": .one(.reference),
            "issued": .one(.instant),
            "performer": .many(.reference),
            "dataAbsentReason": .one(.codeableConcept),
            "interpretation": .many(.codeableConcept),
            "note": .many(.annotation),
            "bodySite": .one(.codeableConcept),
            "method": .one(.codeableConcept),
            "specimen": .one(.reference),
            "device": .one(.reference),
            "referenceRange": .many(referenceRange),
            "hasMember": .many(.reference),
            "derivedFrom": .many(.reference),
            "component": .many(
                .backbone(
                    backboneBase + choice("value", observationValueTypes) + [
                        "code": .req(.codeableConcept),
                        "dataAbsentReason": .one(.codeableConcept),
                        "interpretation": .many(.codeableConcept),
                        "referenceRange": .many(referenceRange),
                    ]
                )),
        ]
            + choice("effective", ["DateTime": .dateTime, "Period": .period, "Timing": .timing, "Instant": .instant])
            + choice("value", observationValueTypes),

        "Condition": [
            "identifier": .many(.identifier),
            "clinicalStatus": .one(.codeableConcept),
            "verificationStatus": .one(.codeableConcept),
            "category": .many(.codeableConcept),
            "severity": .one(.codeableConcept),
            "code": .one(.codeableConcept),
            "bodySite": .many(.codeableConcept),
            "subject": .req(.reference),
            "encounter": .one(.reference),
            "recordedDate": .one(.dateTime),
            "recorder": .one(.reference),
            "asserter": .one(.reference),
            "stage": .many(
                .backbone(
                    backboneBase + [
                        "summary": .one(.codeableConcept),
                        "assessment": .many(.reference),
                        "type": .one(.codeableConcept),
                    ])),
            "evidence": .many(
                .backbone(
                    backboneBase + [
                        "code": .many(.codeableConcept),
                        "detail": .many(.reference),
                    ])),
            "note": .many(.annotation),
        ]
            + choice("onset", onsetTypes)
            + choice("abatement", onsetTypes),

        "Immunization": [
            "identifier": .many(.identifier),
            "status": .req(.codes("completed", "entered-in-error", "not-done")),
            "statusReason": .one(.codeableConcept),
            "vaccineCode": .req(.codeableConcept),
            "patient": .req(.reference),
            "encounter": .one(.reference),
            "recorded": .one(.dateTime),
            "primarySource": .one(.boolean),
            "reportOrigin": .one(.codeableConcept),
            "location": .one(.reference),
            "manufacturer": .one(.reference),
            "lotNumber": .one(.string),
            "expirationDate": .one(.date),
            "site": .one(.codeableConcept),
            "route": .one(.codeableConcept),
            "doseQuantity": .one(.quantity),
            "performer": .many(performerWithFunction),
            "note": .many(.annotation),
            "reasonCode": .many(.codeableConcept),
            "reasonReference": .many(.reference),
            "isSubpotent": .one(.boolean),
            "subpotentReason": .many(.codeableConcept),
            "education": .many(
                .backbone(
                    backboneBase + [
                        "documentType": .one(.string),
                        "reference": .one(.uri),
                        "publicationDate": .one(.dateTime),
                        "presentationDate": .one(.dateTime),
                    ])),
            "programEligibility": .many(.codeableConcept),
            "fundingSource": .one(.codeableConcept),
            "reaction": .many(
                .backbone(
                    backboneBase + [
                        "date": .one(.dateTime),
                        "detail": .one(.reference),
                        "reported": .one(.boolean),
                    ])),
            "protocolApplied": .many(
                .backbone(
                    backboneBase
                        + choice("doseNumber", required: true, ["PositiveInt": .positiveInt, "String": .string])
                        + choice("seriesDoses", ["PositiveInt": .positiveInt, "String": .string])
                        + [
                            "series": .one(.string),
                            "authority": .one(.reference),
                            "targetDisease": .many(.codeableConcept),
                        ]
                )),
        ]
            + choice("occurrence", required: true, ["DateTime": .dateTime, "String": .string]),

        "DiagnosticReport": [
            "identifier": .many(.identifier),
            "basedOn": .many(.reference),
            "status": .req(
                .codes(
                    "registered", "partial", "preliminary", "final", "amended", "corrected", "appended", "cancelled", "entered-in-error", "unknown")),
            "category": .many(.codeableConcept),
            "code": .req(.codeableConcept),
            "subject": .one(.reference),
            "encounter": .one(.reference),
            "issued": .one(.instant),
            "performer": .many(.reference),
            "resultsInterpreter": .many(.reference),
            "specimen": .many(.reference),
            "result": .many(.reference),
            "imagingStudy": .many(.reference),
            "media": .many(
                .backbone(
                    backboneBase + [
                        "comment": .one(.string),
                        "link": .req(.reference),
                    ])),
            "conclusion": .one(.string),
            "conclusionCode": .many(.codeableConcept),
            "presentedForm": .many(.attachment),
        ]
            + choice("effective", ["DateTime": .dateTime, "Period": .period]),

        "ImagingStudy": [
            "identifier": .many(.identifier),
            "status": .req(.codes("registered", "available", "cancelled", "entered-in-error", "unknown")),
            "modality": .many(.coding),
            "subject": .req(.reference),
            "encounter": .one(.reference),
            "started": .one(.dateTime),
            "basedOn": .many(.reference),
            "referrer": .one(.reference),
            "interpreter": .many(.reference),
            "endpoint": .many(.reference),
            "numberOfSeries": .one(.unsignedInt),
            "numberOfInstances": .one(.unsignedInt),
            "procedureReference": .one(.reference),
            "procedureCode": .many(.codeableConcept),
            "location": .one(.reference),
            "reasonCode": .many(.codeableConcept),
            "reasonReference": .many(.reference),
            "note": .many(.annotation),
            "description": .one(.string),
            "series": .many(
                .backbone(
                    backboneBase + [
                        "uid": .req(.id),
                        "number": .one(.unsignedInt),
                        "modality": .req(.coding),
                        "description": .one(.string),
                        "numberOfInstances": .one(.unsignedInt),
                        "endpoint": .many(.reference),
                        "bodySite": .one(.coding),
                        "laterality": .one(.coding),
                        "specimen": .many(.reference),
                        "started": .one(.dateTime),
                        "performer": .many(performerWithFunction),
                        "instance": .many(
                            .backbone(
                                backboneBase + [
                                    "uid": .req(.id),
                                    "sopClass": .req(.coding),
                                    "number": .one(.unsignedInt),
                                    "title": .one(.string),
                                ])),
                    ])),
        ],

        "MedicationStatement": [
            "identifier": .many(.identifier),
            "basedOn": .many(.reference),
            "partOf": .many(.reference),
            "status": .req(.codes("active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken")),
            "statusReason": .many(.codeableConcept),
            "category": .one(.codeableConcept),
            "subject": .req(.reference),
            "context": .one(.reference),
            "dateAsserted": .one(.dateTime),
            "informationSource": .one(.reference),
            "derivedFrom": .many(.reference),
            "reasonCode": .many(.codeableConcept),
            "reasonReference": .many(.reference),
            "note": .many(.annotation),
            "dosage": .many(.dosage),
        ]
            + choice("medication", required: true, ["CodeableConcept": .codeableConcept, "Reference": .reference])
            + choice("effective", ["DateTime": .dateTime, "Period": .period]),

        "Procedure": [
            "identifier": .many(.identifier),
            "instantiatesCanonical": .many(.canonical),
            "instantiatesUri": .many(.uri),
            "basedOn": .many(.reference),
            "partOf": .many(.reference),
            "status": .req(.codes("preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error", "unknown")),
            "statusReason": .one(.codeableConcept),
            "category": .one(.codeableConcept),
            "code": .one(.codeableConcept),
            "subject": .req(.reference),
            "encounter": .one(.reference),
            "recorder": .one(.reference),
            "asserter": .one(.reference),
            "performer": .many(
                .backbone(
                    backboneBase + [
                        "function": .one(.codeableConcept),
                        "actor": .req(.reference),
                        "onBehalfOf": .one(.reference),
                    ])),
            "location": .one(.reference),
            "reasonCode": .many(.codeableConcept),
            "reasonReference": .many(.reference),
            "bodySite": .many(.codeableConcept),
            "outcome": .one(.codeableConcept),
            "report": .many(.reference),
            "complication": .many(.codeableConcept),
            "complicationDetail": .many(.reference),
            "followUp": .many(.codeableConcept),
            "note": .many(.annotation),
            "focalDevice": .many(
                .backbone(
                    backboneBase + [
                        "action": .one(.codeableConcept),
                        "manipulated": .req(.reference),
                    ])),
            "usedReference": .many(.reference),
            "usedCode": .many(.codeableConcept),
        ]
            + choice("performed", ["DateTime": .dateTime, "Period": .period, "String": .string, "Age": .complex("Age"), "Range": .range]),

        "CarePlan": [
            "identifier": .many(.identifier),
            "instantiatesCanonical": .many(.canonical),
            "instantiatesUri": .many(.uri),
            "basedOn": .many(.reference),
            "replaces": .many(.reference),
            "partOf": .many(.reference),
            "status": .req(.codes("draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown")),
            "intent": .req(.codes("proposal", "plan", "order", "option")),
            "category": .many(.codeableConcept),
            "title": .one(.string),
            "description": .one(.string),
            "subject": .req(.reference),
            "encounter": .one(.reference),
            "period": .one(.period),
            "created": .one(.dateTime),
            "author": .one(.reference),
            "contributor": .many(.reference),
            "careTeam": .many(.reference),
            "addresses": .many(.reference),
            "supportingInfo": .many(.reference),
            "goal": .many(.reference),
            "activity": .many(
                .backbone(
                    backboneBase + [
                        "outcomeCodeableConcept": .many(.codeableConcept),
                        "outcomeReference": .many(.reference),
                        "progress": .many(.annotation),
                        "reference": .one(.reference),
                        "detail": .one(
                            .backbone(
                                backboneBase
                                    + choice("scheduled", ["Timing": .timing, "Period": .period, "String": .string])
                                    + choice("product", ["CodeableConcept": .codeableConcept, "Reference": .reference])
                                    + [
                                        "kind": .one(
                                            .codes(
                                                "Appointment", "CommunicationRequest", "DeviceRequest", "MedicationRequest", "NutritionOrder", "Task",
                                                "ServiceRequest", "VisionPrescription")),
                                        "instantiatesCanonical": .many(.canonical),
                                        "instantiatesUri": .many(.uri),
                                        "code": .one(.codeableConcept),
                                        "reasonCode": .many(.codeableConcept),
                                        "reasonReference": .many(.reference),
                                        "goal": .many(.reference),
                                        "status": .req(
                                            .codes(
                                                "not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled", "stopped", "unknown",
                                                "entered-in-error")),
                                        "statusReason": .one(.codeableConcept),
                                        "doNotPerform": .one(.boolean),
                                        "location": .one(.reference),
                                        "performer": .many(.reference),
                                        "dailyAmount": .one(.quantity),
                                        "quantity": .one(.quantity),
                                        "description": .one(.string),
                                    ]
                            )),
                    ])),
            "note": .many(.annotation),
        ],
    ]
}

// People, places, devices and teams (FHIR R4 Patient, Practitioner, RelatedPerson, Device,
// Group, Location, CareTeam).

extension FHIRSchema {
    static let administrativeGender = FHIRElementType.codes("male", "female", "other", "unknown")

    static let communication = FHIRElementType.backbone(
        backboneBase + [
            "language": .req(.codeableConcept),
            "preferred": .one(.boolean),
        ])

    static let administrativeResources: [String: [String: FHIRElement]] = [
        "Patient": [
            "identifier": .many(.identifier),
            "active": .one(.boolean),
            "name": .many(.humanName),
            "telecom": .many(.contactPoint),
            "gender": .one(administrativeGender),
            "birthDate": .one(.date),
            "address": .many(.address),
            "maritalStatus": .one(.codeableConcept),
            "photo": .many(.attachment),
            "contact": .many(
                .backbone(
                    backboneBase + [
                        "relationship": .many(.codeableConcept),
                        "name": .one(.humanName),
                        "telecom": .many(.contactPoint),
                        "address": .one(.address),
                        "gender": .one(administrativeGender),
                        "organization": .one(.reference),
                        "period": .one(.period),
                    ])),
            "communication": .many(communication),
            "generalPractitioner": .many(.reference),
            "managingOrganization": .one(.reference),
            "link": .many(
                .backbone(
                    backboneBase + [
                        "other": .req(.reference),
                        "type": .req(.codes("replaced-by", "replaces", "refer", "seealso")),
                    ])),
        ]
            + choice("deceased", ["Boolean": .boolean, "DateTime": .dateTime])
            + choice("multipleBirth", ["Boolean": .boolean, "Integer": .integer]),

        "Practitioner": [
            "identifier": .many(.identifier),
            "active": .one(.boolean),
            "name": .many(.humanName),
            "telecom": .many(.contactPoint),
            "address": .many(.address),
            "gender": .one(administrativeGender),
            "birthDate": .one(.date),
            "photo": .many(.attachment),
            "qualification": .many(
                .backbone(
                    backboneBase + [
                        "identifier": .many(.identifier),
                        "code": .req(.codeableConcept),
                        "period": .one(.period),
                        "issuer": .one(.reference),
                    ])),
            "communication": .many(.codeableConcept),
        ],

        "RelatedPerson": [
            "identifier": .many(.identifier),
            "active": .one(.boolean),
            "patient": .req(.reference),
            "relationship": .many(.codeableConcept),
            "name": .many(.humanName),
            "telecom": .many(.contactPoint),
            "gender": .one(administrativeGender),
            "birthDate": .one(.date),
            "address": .many(.address),
            "photo": .many(.attachment),
            "period": .one(.period),
            "communication": .many(communication),
        ],

        "Device": [
            "identifier": .many(.identifier),
            "definition": .one(.reference),
            "udiCarrier": .many(
                .backbone(
                    backboneBase + [
                        "deviceIdentifier": .one(.string),
                        "issuer": .one(.uri),
                        "jurisdiction": .one(.uri),
                        "carrierAIDC": .one(.base64Binary),
                        "carrierHRF": .one(.string),
                        "entryType": .one(.codes("barcode", "rfid", "manual", "card", "self-reported", "unknown")),
                    ])),
            "status": .one(.codes("active", "inactive", "entered-in-error", "unknown")),
            "statusReason": .many(.codeableConcept),
            "distinctIdentifier": .one(.string),
            "manufacturer": .one(.string),
            "manufactureDate": .one(.dateTime),
            "expirationDate": .one(.dateTime),
            "lotNumber": .one(.string),
            "serialNumber": .one(.string),
            "deviceName": .many(
                .backbone(
                    backboneBase + [
                        "name": .req(.string),
                        "type": .req(
                            .codes("udi-label-name", "user-friendly-name", "patient-reported-name", "manufacturer-name", "model-name", "other")),
                    ])),
            "modelNumber": .one(.string),
            "partNumber": .one(.string),
            "type": .one(.codeableConcept),
            "specialization": .many(
                .backbone(
                    backboneBase + [
                        "systemType": .req(.codeableConcept),
                        "version": .one(.string),
                    ])),
            "version": .many(
                .backbone(
                    backboneBase + [
                        "type": .one(.codeableConcept),
                        "component": .one(.identifier),
                        "value": .req(.string),
                    ])),
            "property": .many(
                .backbone(
                    backboneBase + [
                        "type": .req(.codeableConcept),
                        "valueQuantity": .many(.quantity),
                        "valueCode": .many(.codeableConcept),
                    ])),
            "patient": .one(.reference),
            "owner": .one(.reference),
            "contact": .many(.contactPoint),
            "location": .one(.reference),
            "url": .one(.uri),
            "note": .many(.annotation),
            "safety": .many(.codeableConcept),
            "parent": .one(.reference),
        ],

        "Group": [
            "identifier": .many(.identifier),
            "active": .one(.boolean),
            "type": .req(.codes("person", "animal", "practitioner", "device", "medication", "substance")),
            "actual": .req(.boolean),
            "code": .one(.codeableConcept),
            "name": .one(.string),
            "quantity": .one(.unsignedInt),
            "managingEntity": .one(.reference),
            "characteristic": .many(
                .backbone(
                    backboneBase
                        + choice(
                            "value", required: true,
                            [
                                "CodeableConcept": .codeableConcept, "Boolean": .boolean, "Quantity": .quantity,
                                "Range": .range, "Reference": .reference,
                            ])
                        + [
                            "code": .req(.codeableConcept),
                            "exclude": .req(.boolean),
                            "period": .one(.period),
                        ]
                )),
            "member": .many(
                .backbone(
                    backboneBase + [
                        "entity": .req(.reference),
                        "period": .one(.period),
                        "inactive": .one(.boolean),
                    ])),
        ],

        "Location": [
            "identifier": .many(.identifier),
            "status": .one(.codes("active", "suspended", "inactive")),
            "operationalStatus": .one(.coding),
            "name": .one(.string),
            "alias": .many(.string),
            "description": .one(.string),
            "mode": .one(.codes("instance", "kind")),
            "type": .many(.codeableConcept),
            "telecom": .many(.contactPoint),
            "address": .one(.address),
            "physicalType": .one(.codeableConcept),
            "position": .one(
                .backbone(
                    backboneBase + [
                        "longitude": .req(.decimal),
                        "latitude": .req(.decimal),
                        "altitude": .one(.decimal),
                    ])),
            "managingOrganization": .one(.reference),
            "partOf": .one(.reference),
            "hoursOfOperation": .many(
                .backbone(
                    backboneBase + [
                        "daysOfWeek": .many(.codes("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
                        "allDay": .one(.boolean),
                        "openingTime": .one(.time),
                        "closingTime": .one(.time),
                    ])),
            "availabilityExceptions": .one(.string),
            "endpoint": .many(.reference),
        ],

        "CareTeam": [
            "identifier": .many(.identifier),
            "status": .one(.codes("proposed", "active", "suspended", "inactive", "entered-in-error")),
            "category": .many(.codeableConcept),
            "name": .one(.string),
            "subject": .one(.reference),
            "encounter": .one(.reference),
            "period": .one(.period),
            "participant": .many(
                .backbone(
                    backboneBase + [
                        "role": .many(.codeableConcept),
                        "member": .one(.reference),
                        "onBehalfOf": .one(.reference),
                        "period": .one(.period),
                    ])),
            "reasonCode": .many(.codeableConcept),
            "reasonReference": .many(.reference),
            "managingOrganization": .many(.reference),
            "telecom": .many(.contactPoint),
            "note": .many(.annotation),
        ],
    ]
}

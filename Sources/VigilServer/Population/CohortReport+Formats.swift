import Foundation
import VigilClinical
import VigilCore

/// How `GET /api/cohorts/{name}` shows a report: members (JSON, CSV, a FHIR Group) to those who may
/// see the patients; counts with small cells suppressed (a ``CohortTally``) to public health.
extension CohortReport {
    fileprivate static func head(_ definition: CohortDefinition, on date: String) -> JSONObject {
        [
            "definition": ["name": .string(definition.name), "version": .string(definition.version)], "date": .string(date),
        ]
    }

    /// `{"definition","date","total","undetermined","members":[{"patient","risk","lastDose"}]}`, members from `offset`, at most `count`.
    func membersJSON(on date: String, offset: Int, count: Int) -> JSON {
        var object = Self.head(definition, on: date)
        object["total"] = .integer(members.count)
        object["undetermined"] = .integer(undetermined)
        object["members"] = .array(
            members.dropFirst(offset).prefix(count).map { member in
                [
                    "patient": .string("Patient/\(member.patient)"), "risk": .array(member.risks.map(JSON.string)),
                    "lastDose": member.lastDose.map { .string(FHIRDateTime.date(milliseconds: $0)) } ?? .null,
                ]
            })
        return .object(object)
    }

    /// An outreach list: `patient,risk,last_dose,area,age`, every field quoted; a field that a
    /// spreadsheet would run as a formula starts with `'`.
    func csv(offset: Int, count: Int) -> String {
        var lines = ["patient,risk,last_dose,area,age"]
        for member in members.dropFirst(offset).prefix(count) {
            let fields = [
                "Patient/\(member.patient)", member.risks.joined(separator: "; "), member.lastDose.map(FHIRDateTime.date(milliseconds:)) ?? "",
                member.area ?? "", member.age.map(String.init) ?? "",
            ]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The members as an actual FHIR Group of persons (not stored).
    func group(on date: String, offset: Int, count: Int) -> JSON {
        let shown = members.dropFirst(offset).prefix(count)
        return [
            "resourceType": "Group", "type": "person", "actual": true,
            "name": .string("\(definition.name) \(definition.version) on \(date)"), "quantity": .integer(shown.count),
            "member": .array(shown.map { ["entity": ["reference": .string("Patient/\($0.patient)")]] }),
        ]
    }

    private static func csvField(_ text: String) -> String {
        let safe = text.first.map { "=+-@\t\r".contains($0) } == true ? "'" + text : text
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension CohortTally {
    /// `{"definition","date","total","counts":[{"area","ageBand","count"}]}`: no identities; `<11` for 1 to 10.
    func countsJSON(on date: String) -> JSON {
        var object = CohortReport.head(definition, on: date)
        object["total"] = total.json
        object["counts"] = .array(
            cells.map { ["area": .string($0.area), "ageBand": .string($0.ageBand), "count": $0.count.json] })
        return .object(object)
    }
}

extension CohortReport.Count {
    var json: JSON {
        switch self {
        case .exact(let count): .integer(count)
        case .suppressed: .string("<\(CohortReport.smallestShown)")
        }
    }
}

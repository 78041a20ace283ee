import FuzzSupport
import VigilCore

/// Any JSON body of `POST /api/ingest`: the decoder answers submissions and rejections that
/// account for every item, or refuses the body with a VigilError; each accepted reading is
/// finite and carries a known code.
@main enum FuzzReadings {
    static func main() {
        Fuzzer.run { input in
            guard let body = try? JSON.parse(UnsafeRawBufferPointer(input)) else { return }
            let decoder = ReadingBatchDecoder()
            guard let result = try? decoder.decode(body, now: 1_790_000_000_000) else { return }
            let items = body["readings"]?.arrayValue?.count ?? -1
            precondition(result.submissions.count + result.rejections.count == items, "an item was neither accepted nor rejected")
            for submission in result.submissions {
                precondition(submission.value.isFinite, "a reading with a value that is not finite was accepted")
                precondition(CodeCatalog.standard.definition(of: submission.code) != nil, "a reading with an unknown code was accepted")
            }
        }
    }
}

public import VigilCore

/// When a screening site's days call for a public-health alert (kind `screening-cluster`) and when
/// it has cleared: one alert for a cluster, however many days it signals.
///
/// EARS here floors the baseline's standard deviation at 1 (Burkom's advice for sparse counts,
/// clinical.md §10): a site that screened no febrile traveller all week does not signal on the
/// first one.
public struct ScreeningWatch: Sendable, Equatable {
    public static let kind = "screening-cluster"

    public var ears: EARS
    public var cusum: CUSUM
    /// Days in a row without a signal after which an open alert clears itself.
    public var quietDays: Int
    /// Days read before today: C3's baseline (11 days) and the quiet days.
    public var window: Int

    public init(ears: EARS = EARS(minSigma: 1), cusum: CUSUM = CUSUM(), quietDays: Int = 7, window: Int = 27) {
        (self.ears, self.cusum, self.quietDays, self.window) = (ears, cusum, quietDays, window)
    }

    /// The condition key of a site's alert.
    public static func key(site: String) -> String { "\(kind):Location/\(site)" }

    /// What to tell the alert center about `site` from its days (oldest first, the last one today):
    /// raise while today or yesterday signals (yesterday's counts may have come late, from a
    /// kiosk that was offline; the center keeps one alert open, which a raise updates), clear once
    /// `quietDays` days went by without a signal, otherwise nothing.
    /// - Parameters:
    ///   - isOpen: whether the site has an open alert.
    ///   - resolvedOn: the date a person last resolved the site's alert: signals of that day and
    ///     before, which they have seen, do not raise another.
    public func output(site: String, days: [ScreeningSeries.Day], isOpen: Bool, resolvedOn: String?) -> EngineOutput? {
        guard let today = days.last else { return nil }
        if let day = days.suffix(2).last(where: \.signal) {
            guard isOpen || resolvedOn.map({ $0 < day.date }) ?? true else { return nil }
            return .raise(condition(site: site, day: day))
        }
        guard isOpen, days.count >= quietDays, !days.suffix(quietDays).contains(where: \.signal) else { return nil }
        return .clear(key: Self.key(site: site), values: today.json(site: site))
    }

    private func condition(site: String, day: ScreeningSeries.Day) -> AlertCondition {
        let methods =
            [("C1", day.ears.c1), ("C2", day.ears.c2), ("C3", day.ears.c3)].filter { $0.1?.alarm == true }.map(\.0)
            + (day.cusum?.alarm == true ? ["CUSUM"] : [])
        return AlertCondition(
            key: Self.key(site: site), kind: Self.kind, priority: .medium,
            message: "Fever cluster at Location/\(site): \(day.febrile) of \(day.screened) screened febrile on \(day.date) "
                + "(\(methods.joined(separator: ", ")))",
            values: day.json(site: site))
    }
}

extension ScreeningSeries.Day {
    /// The day as `GET /api/screening` shows it: each method's statistic (null until its
    /// baseline is complete) and whether anything signals.
    public var json: JSON {
        func number(_ value: Double?) -> JSON {
            guard let value, value.isFinite else { return .null }
            return .double((value * 1000).rounded() / 1000)
        }
        return [
            "date": .string(date), "screened": .integer(Int64(screened)), "febrile": .integer(Int64(febrile)),
            "c1": number(ears.c1?.statistic), "c2": number(ears.c2?.statistic), "c3": number(ears.c3?.statistic),
            "cusum": number(cusum?.value), "signal": .bool(signal),
        ]
    }

    /// The day with the site it is of: an alert's values.
    public func json(site: String) -> JSON {
        guard case .object(var object) = json else { return json }
        object["location"] = .string("Location/\(site)")
        return .object(object)
    }
}

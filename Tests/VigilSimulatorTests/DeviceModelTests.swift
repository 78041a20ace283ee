import Testing
import VigilSimulator

/// The devices' readings: repeatable for a seed, on their cadence, moved by the course, and
/// spoiled by artefacts the way real devices spoil them.
struct DeviceModelTests {
    let clock = SimulationClock(start: 1_800_000_000_000, speed: 60)
    let adult = PatientModel(baseline: Baseline.forAge(50), course: Course())

    func model(_ kind: DeviceKind, seed: UInt64 = 7, patient: PatientModel? = nil, artefacts: [Artefact] = [], cadence: [Vital: Double]? = nil)
        -> DeviceModel
    {
        DeviceModel(id: "d1", kind: kind, patient: patient ?? adult, cadence: cadence, artefacts: artefacts, clock: clock, seed: seed)
    }

    func readings(_ device: DeviceModel, hours: Double) -> [SimulatedReading] {
        var device = device
        return device.readings(until: hours * 3600)
    }

    @Test func theSameSeedGivesTheSameReadingsHoweverOftenTheDeviceIsAsked() {
        let once = readings(model(.bedsideMonitor), hours: 3)
        var stepwise = model(.bedsideMonitor)
        var steps: [SimulatedReading] = []
        for second in stride(from: 0.0, through: 3 * 3600, by: 37) { steps += stepwise.readings(until: second) }
        steps += stepwise.readings(until: 3 * 3600)
        #expect(once.count > 500)
        #expect(once == steps)
        #expect(once == readings(model(.bedsideMonitor), hours: 3))
        #expect(once.map(\.value) != readings(model(.bedsideMonitor, seed: 8), hours: 3).map(\.value))
        #expect(once.map(\.seq) == Array(1...Int64(once.count)))
    }

    @Test func eachKindMeasuresOnItsCadenceWithRealTimestamps() {
        let cgm = readings(model(.cgm), hours: 2)
        let glucose = cgm.filter { $0.code == "99504-3" }
        #expect(glucose.count == 24)
        #expect(Set(zip(glucose, glucose.dropFirst()).map { $1.time - $0.time }) == [5_000])  // 5 minutes at ×60 = 5 s
        #expect(cgm.filter { $0.code == "battery-level" }.count == 2)
        let monitor = readings(model(.bedsideMonitor), hours: 1)
        #expect(monitor.filter { $0.code == "8867-4" }.count == 60)
        #expect(monitor.filter { $0.code == "8480-6" }.count == 4)
        #expect(!monitor.contains { $0.code == "battery-level" })
        #expect(monitor.allSatisfy { $0.time >= clock.start && $0.time <= clock.start + 60_000 })
        let cuff = readings(model(.bloodPressureCuff, cadence: [.systolic: 3600]), hours: 3)
        #expect(cuff.filter { $0.code == "8480-6" }.count == 3)
        #expect(cuff.filter { $0.code == "8462-4" }.count == 1)
    }

    @Test func valuesStayPlausibleAroundTheBaseline() {
        let values = readings(model(.bedsideMonitor), hours: 24)
        let heart = values.filter { $0.code == "8867-4" }.map(\.value)
        let mean = heart.reduce(0, +) / Double(heart.count)
        #expect(abs(mean - 74) < 3)
        #expect(heart.allSatisfy { (50...100).contains($0) })
        #expect(values.filter { $0.code == "59408-5" }.allSatisfy { $0.value <= 100 && $0.value >= 93 })
        let temperatures = values.filter { $0.code == "8310-5" }.map(\.value)
        #expect(temperatures.allSatisfy { (36...37.6).contains($0) })
    }

    @Test func theCourseMovesTheMeanLinearlyAndHoldsAfterTheLastFrame() {
        let course = Course([
            Course.Frame(hour: 0), Course.Frame(hour: 4, changes: [.heartRate: 40]), Course.Frame(hour: 2, changes: [.heartRate: 10]),
        ])
        #expect(course.change(of: .heartRate, atHour: 1) == 5)
        #expect(course.change(of: .heartRate, atHour: 3) == 25)
        #expect(course.change(of: .heartRate, atHour: 9) == 40)
        #expect(course.change(of: .spo2, atHour: 3) == 0)
        #expect(course.hours == 4)
        let sick = PatientModel(baseline: Baseline.forAge(50), course: course)
        let late = readings(model(.bedsideMonitor, patient: sick), hours: 6).filter {
            $0.code == "8867-4" && $0.time > clock.realMilliseconds(5 * 3600)
        }
        #expect(abs(late.map(\.value).reduce(0, +) / Double(late.count) - 114) < 6)
    }

    /// The demo tells a story over and over: it begins `fromHour` in; once told, the body recovers
    /// over an hour, stays at its baseline for another, and the story begins again.
    @Test func aReplayedStoryBeginsPartWayRecoversAndBeginsAgain() {
        let course = Course([Course.Frame(hour: 0), Course.Frame(hour: 4, changes: [.heartRate: 40])])
        let told = PatientModel(baseline: [.heartRate: 70], course: course)
        let body = told.replaying(fromHour: 2)
        func change(_ hour: Double) -> Double { body.mean(.heartRate, hour: hour, hourOfDay: 16) - told.mean(.heartRate, hour: 0, hourOfDay: 16) }
        #expect(abs(change(0) - 20) < 1e-9)  // two hours in
        #expect(abs(change(2) - 40) < 1e-9)  // told
        #expect(abs(change(2.5) - 20) < 1e-9)  // half recovered
        #expect(abs(change(3.5)) < 1e-9)  // well
        #expect(abs(change(4) - 0) < 1e-9)  // the story begins again
        #expect(abs(change(5) - 10) < 1e-9)
        #expect(abs(change(8) - 40) < 1e-9)  // told again, six hours later
        let stable = PatientModel(baseline: [.heartRate: 70], course: Course())
        #expect(stable.replaying(fromHour: 0).mean(.heartRate, hour: 9, hourOfDay: 4) == stable.mean(.heartRate, hour: 9, hourOfDay: 4))
    }

    @Test func artefactsSpoilTheReadingsAsRealDevicesDo() {
        // A probe off between 1 h and 1 h 30: no SpO2 or pulse then.
        let off = readings(model(.pulseOximeter, artefacts: [Artefact(kind: .probeOff, atHour: 1, minutes: 30)]), hours: 2)
        let gap = off.filter { $0.code == "59408-5" && $0.time > clock.realMilliseconds(3600) && $0.time < clock.realMilliseconds(5400) }
        #expect(gap.isEmpty)
        #expect(off.filter { $0.code == "59408-5" }.count > 150)
        // Motion: the pulse reads high.
        let moving = readings(model(.pulseOximeter, artefacts: [Artefact(kind: .motion, atHour: 0)]), hours: 1).filter { $0.code == "8867-4" }
        #expect(moving.allSatisfy { $0.value > 85 })
        // Silent from 1 h: nothing after.
        let silent = readings(model(.cgm, artefacts: [Artefact(kind: .silent, atHour: 1)]), hours: 3)
        #expect(silent.allSatisfy { $0.time <= clock.realMilliseconds(3600) })
        // A battery dying at 3 h: the charge falls towards 0, then nothing.
        let dying = readings(model(.smartwatch, artefacts: [Artefact(kind: .batteryDead, atHour: 3)]), hours: 5)
        let battery = dying.filter { $0.code == "battery-level" }.map(\.value)
        #expect(battery.count == 3 && battery == battery.sorted(by: >) && battery.last! < 35)
        #expect(dying.allSatisfy { $0.time < clock.realMilliseconds(3 * 3600) })
        // A clock running 60 s per hour fast: the device's timestamps are ahead of real time by then.
        let drifting = readings(model(.cgm, artefacts: [Artefact(kind: .clockDrift, atHour: 0, secondsPerHour: 60)]), hours: 2)
        let honest = readings(model(.cgm), hours: 2)
        #expect(drifting.last!.time - honest.last!.time > 100_000)
        // Duplicates: about the given share of uploads goes twice.
        var device = model(.cgm, artefacts: [Artefact(kind: .duplicates, atHour: 0, probability: 0.3)])
        let twice = (0..<1000).filter { _ in device.sendsTwice(atSeconds: 10) }.count
        #expect((220...380).contains(twice))
        var clean = model(.cgm)
        #expect(!(0..<100).contains { _ in clean.sendsTwice(atSeconds: 10) })
    }

    /// Travellers come in real time, whatever the physiology's speed: ten real hours are ten hours
    /// of physiology times its speed.
    @Test func screeningKioskSendsAnonymousTravellersAFewOfThemFebrile() {
        let station = Scenario.ScreeningStation(id: "k", site: "Terminal", travellersPerHour: 600, febrileShare: 0.05)
        var kiosk = ScreeningKiosk(station, clock: clock, seed: 3)
        let events = kiosk.events(until: 10 * 3600 * clock.speed)
        #expect((5500...6500).contains(events.count))
        #expect(events.allSatisfy { $0.time >= clock.start && $0.time <= clock.start + 10 * 3_600_000 })
        let febrile = events.filter { $0.celsius >= 38 }.count
        #expect((200...400).contains(febrile))
        var again = ScreeningKiosk(station, clock: clock, seed: 3)
        #expect(again.events(until: 10 * 3600 * clock.speed) == events)
    }

    /// The archive: every traveller from midnight two days before the start up to it, febrile at the
    /// usual share until the outbreak's hours, then at the outbreak's; live seqs go on after it.
    @Test func aKioskArchiveHoldsItsDaysAndTheOutbreakSoFar() {
        let station = Scenario.ScreeningStation(
            id: "k", site: "Terminal", travellersPerHour: 600, febrileShare: 0.02, historyDays: 2, outbreakFebrileShare: 0.5, outbreakHours: 4)
        var kiosk = ScreeningKiosk(station, clock: clock, seed: 5)
        let archive = kiosk.history()
        let midnight = (clock.start / 86_400_000 - 2) * 86_400_000
        #expect(archive.first!.time >= midnight && archive.last!.time < clock.start)
        #expect(archive.map(\.seq) == Array(1...Int64(archive.count)) && archive.allSatisfy { $0.code == "8310-5" && $0.unit == "Cel" })
        let hours = Double(clock.start - midnight) / 3_600_000
        #expect(abs(Double(archive.count) - 600 * hours) < 5 * (600 * hours).squareRoot())
        func share(_ readings: some Collection<SimulatedReading>) -> Double { Double(readings.count { $0.value >= 38 }) / Double(readings.count) }
        let outbreak = clock.start - 4 * 3_600_000
        #expect(share(archive.filter { $0.time < outbreak }) < 0.03 && share(archive.filter { $0.time >= outbreak }) > 0.4)
        let live = kiosk.readings(until: 3600 * clock.speed)
        #expect(live.first?.seq == Int64(archive.count) + 1 && share(live) > 0.4)
    }
}

/// Artefacts at rates, for many simulated patient-days.
@Suite struct ArtefactRatesTests {
    @Test func eventsComeAtTheirRatesForTheirDurations() {
        var generator = SeededGenerator(seed: 9)
        let artefacts = ArtefactRates.standard.schedule(hours: 100 * 24, generator: &generator)
        let probeOff = artefacts.filter { $0.kind == .probeOff }, motion = artefacts.filter { $0.kind == .motion }
        // 600 and 800 expected (Poisson: SD about 25 and 28).
        #expect((520...680).contains(probeOff.count), "\(probeOff.count)")
        #expect((710...890).contains(motion.count), "\(motion.count)")
        #expect(probeOff.allSatisfy { $0.minutes == 2 } && artefacts.filter { $0.kind == .silent }.allSatisfy { $0.minutes == 10 })
        #expect(artefacts.filter { $0.kind == .duplicates }.map(\.probability) == [0.05])
        #expect(zip(artefacts, artefacts.dropFirst()).allSatisfy { $0.atHour <= $1.atHour })
        var none = SeededGenerator(seed: 9)
        #expect(ArtefactRates.none.schedule(hours: 100, generator: &none).isEmpty)
    }

    @Test func aNoisierDeviceVariesMore() {
        let body = PatientModel(baseline: Baseline.forAge(40), course: Course())
        let clock = SimulationClock(start: 0, speed: 1)
        func spread(_ scale: Double) -> Double {
            var device = DeviceModel(id: "d", kind: .pulseOximeter, patient: body, clock: clock, seed: 1, noiseScale: scale)
            let values = device.readings(until: 6 * 3600).filter { $0.code == "8867-4" }.map(\.value)
            let mean = values.reduce(0, +) / Double(values.count)
            return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        }
        #expect(spread(3) > 2 * spread(1))
    }
}

import Foundation

/// Where on Earth a wearer was: WGS 84 coordinates and how far off they may be.
public struct GeoPosition: Sendable, Equatable, Codable {
    public var latitude: Double
    public var longitude: Double
    /// The radius, in metres, within which the wearer was (the device's accuracy), when it says.
    public var accuracy: Double?

    public init(latitude: Double, longitude: Double, accuracy: Double? = nil) {
        (self.latitude, self.longitude, self.accuracy) = (latitude, longitude, accuracy)
    }

    /// The great-circle distance to `other` in metres (haversine, mean Earth radius).
    public func distance(to other: GeoPosition) -> Double {
        let radians = Double.pi / 180
        let dLat = (other.latitude - latitude) * radians
        let dLon = (other.longitude - longitude) * radians
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(latitude * radians) * cos(other.latitude * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * 6_371_008.8 * asin(min(1, a.squareRoot()))
    }

    /// The grid cell holding it: cells of ``cellDegrees`` in latitude and longitude, numbered so
    /// that a cell's neighbours are found by arithmetic (``cells(within:)``).
    public var cell: Int64 {
        let row = Int64((latitude / Self.cellDegrees).rounded(.down)) + Self.rowOffset
        let column = Int64((longitude / Self.cellDegrees).rounded(.down)) + Self.columnOffset
        return row * Self.columns + column
    }

    /// The cells that hold every point within `metres` of it: those the circle's bounding box
    /// touches (one cell, or two or four near a cell's edge, for the few metres of a contact).
    public func cells(within metres: Double) -> [Int64] {
        let metresPerDegree = 111_195.0
        let latitudes = metres / metresPerDegree
        let widest = min(abs(latitude) + latitudes, 89.9)
        let longitudes = metres / (metresPerDegree * max(cos(widest * .pi / 180), 0.001))
        func index(_ degrees: Double) -> Int64 { Int64((degrees / Self.cellDegrees).rounded(.down)) }
        var cells: [Int64] = []
        for row in index(latitude - latitudes)...index(latitude + latitudes) {
            for column in index(longitude - longitudes)...index(longitude + longitudes) {
                cells.append((row + Self.rowOffset) * Self.columns + column + Self.columnOffset)
            }
        }
        return cells
    }

    /// A cell's side: 0.002° (about 220 m of latitude).
    public static let cellDegrees = 0.002
    static let rowOffset: Int64 = 45_001
    static let columnOffset: Int64 = 90_001
    static let columns: Int64 = 180_004

    /// Why the coordinates cannot be a position, or nil.
    public var problem: String? {
        guard (-90...90).contains(latitude) else { return "latitude must be from -90 to 90 (was \(latitude))" }
        guard (-180...180).contains(longitude) else { return "longitude must be from -180 to 180 (was \(longitude))" }
        if let accuracy, !(0...100_000).contains(accuracy) { return "accuracy must be from 0 to 100,000 metres (was \(accuracy))" }
        return nil
    }
}

extension VigilError {
    /// An alert update the store did not make: the alert changed since the state the update
    /// follows (``AlertChange/follows``: another node acted on it), or it does not exist.
    public static func alertMissing(_ id: Int64, exists: Bool) -> VigilError {
        exists
            ? VigilError(.conflict, "alert \(id) changed meanwhile (on another node); look at it again and retry")
            : VigilError(.notFound, "alert \(id) does not exist")
    }
}

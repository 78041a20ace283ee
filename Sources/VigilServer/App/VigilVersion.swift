/// This version of Vigil: what `vigil --version` prints and the CapabilityStatement names.
public enum VigilVersion {
    public static let current = "0.1.0"
}

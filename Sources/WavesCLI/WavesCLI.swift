import ArgumentParser
import Foundation

/// Entry point used by the one-line `waves` executable.
public enum WavesCLI {
    public static func main() {
        WavesCommand.main()
    }
}

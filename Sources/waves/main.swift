import WavesCLI

WavesCLI.main()

import WavesCore

extension StudyBundle {
    /// Every scale of the study as `INSTRUMENT.S`, in study order (instruments as study.yaml
    /// lists them, scales as each instrument lists them): the scales a per-scale analysis runs
    /// on when no `--scale` is given (spec/cli.md, "Added in the second round").
    ///
    /// The qualified form always resolves through `resolveScale`, also where two instruments
    /// share a scale id.
    public var scaleNames: [String] {
        instruments.flatMap { i in i.scales.map { "\(i.id).\($0.id)" } }
    }
}

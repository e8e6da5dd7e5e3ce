internal import CReadStat

/// The ReadStat library version linked into Waves (proves the link from the start).
enum ReadStatLink {
    static var errorMessageForOK: String { String(cString: readstat_error_message(READSTAT_OK)) }
}

import ArgumentParser
import Verification

/// `--content` parses into the library's content mode.
extension ContentMode: ExpressibleByArgument {}

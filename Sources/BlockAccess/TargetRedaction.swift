extension Target {
    /// Every NBD URI inside `text` redacted as `Target.redacted` does (the password and
    /// query values but socket, tls-username and tls); for command lines in reports.
    public static func redactingURIs(in text: String) -> String { redactInText(text) }
}

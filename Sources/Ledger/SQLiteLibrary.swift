import CSQLite

/// The libsqlite3 functions the SQLite ledger calls, resolved from libsqlite3.so.0 at first
/// use (`ClientLibrary`). Their types come from sqlite3.h through the shim's typedefs.
struct SQLiteLibrary: Sendable {
    static let library = ClientLibrary(backend: "the SQLite ledger", soname: "libsqlite3.so.0", package: "libsqlite3-0",
                                       overrideVariable: "REPLICA_AUDIT_LIBSQLITE3")

    let open_v2: ra_sqlite3_open_v2_fn
    let close_v2: ra_sqlite3_close_v2_fn
    let errmsg: ra_sqlite3_errmsg_fn
    let errstr: ra_sqlite3_errstr_fn
    let errcode: ra_sqlite3_errcode_fn
    let busy_timeout: ra_sqlite3_busy_timeout_fn
    let extended_result_codes: ra_sqlite3_extended_result_codes_fn
    let exec: ra_sqlite3_exec_fn
    let prepare_v2: ra_sqlite3_prepare_v2_fn
    let finalize: ra_sqlite3_finalize_fn
    let step: ra_sqlite3_step_fn
    let bind_int64: ra_sqlite3_bind_int64_fn
    let bind_text: ra_sqlite3_bind_text_fn
    let bind_null: ra_sqlite3_bind_null_fn
    let column_int64: ra_sqlite3_column_int64_fn
    let column_text: ra_sqlite3_column_text_fn
    let column_bytes: ra_sqlite3_column_bytes_fn
    let column_type: ra_sqlite3_column_type_fn

    private init(_ lib: ClientLibrary.Handle) throws(LedgerError) {
        open_v2 = try lib.function("sqlite3_open_v2", as: ra_sqlite3_open_v2_fn.self)
        close_v2 = try lib.function("sqlite3_close_v2", as: ra_sqlite3_close_v2_fn.self)
        errmsg = try lib.function("sqlite3_errmsg", as: ra_sqlite3_errmsg_fn.self)
        errstr = try lib.function("sqlite3_errstr", as: ra_sqlite3_errstr_fn.self)
        errcode = try lib.function("sqlite3_errcode", as: ra_sqlite3_errcode_fn.self)
        busy_timeout = try lib.function("sqlite3_busy_timeout", as: ra_sqlite3_busy_timeout_fn.self)
        extended_result_codes = try lib.function("sqlite3_extended_result_codes", as: ra_sqlite3_extended_result_codes_fn.self)
        exec = try lib.function("sqlite3_exec", as: ra_sqlite3_exec_fn.self)
        prepare_v2 = try lib.function("sqlite3_prepare_v2", as: ra_sqlite3_prepare_v2_fn.self)
        finalize = try lib.function("sqlite3_finalize", as: ra_sqlite3_finalize_fn.self)
        step = try lib.function("sqlite3_step", as: ra_sqlite3_step_fn.self)
        bind_int64 = try lib.function("sqlite3_bind_int64", as: ra_sqlite3_bind_int64_fn.self)
        bind_text = try lib.function("sqlite3_bind_text", as: ra_sqlite3_bind_text_fn.self)
        bind_null = try lib.function("sqlite3_bind_null", as: ra_sqlite3_bind_null_fn.self)
        column_int64 = try lib.function("sqlite3_column_int64", as: ra_sqlite3_column_int64_fn.self)
        column_text = try lib.function("sqlite3_column_text", as: ra_sqlite3_column_text_fn.self)
        column_bytes = try lib.function("sqlite3_column_bytes", as: ra_sqlite3_column_bytes_fn.self)
        column_type = try lib.function("sqlite3_column_type", as: ra_sqlite3_column_type_fn.self)
    }

    /// Loaded once, on the first SQLite ledger the process opens.
    private static let loaded = Result { () throws(LedgerError) in try SQLiteLibrary(library.open()) }

    /// The functions, or the one-line error naming the package to install.
    static func load() throws(LedgerError) -> SQLiteLibrary { try loaded.get() }
}

import CLibPQ

/// The libpq functions the PostgreSQL ledger calls, resolved from libpq.so.5 at first use
/// (`ClientLibrary`). Their types come from libpq-fe.h through the shim's typedefs.
struct PQLibrary: Sendable {
    static let library = ClientLibrary(backend: "the PostgreSQL ledger", soname: "libpq.so.5", package: "libpq5",
                                       overrideVariable: "REPLICA_AUDIT_LIBPQ")

    let connectdbParams: ra_PQconnectdbParams_fn
    let status: ra_PQstatus_fn
    let errorMessage: ra_PQerrorMessage_fn
    let finish: ra_PQfinish_fn
    let exec: ra_PQexec_fn
    let execParams: ra_PQexecParams_fn
    let resultStatus: ra_PQresultStatus_fn
    let resultErrorMessage: ra_PQresultErrorMessage_fn
    let clear: ra_PQclear_fn
    let ntuples: ra_PQntuples_fn
    let nfields: ra_PQnfields_fn
    let getisnull: ra_PQgetisnull_fn
    let getvalue: ra_PQgetvalue_fn

    private init(_ lib: ClientLibrary.Handle) throws(LedgerError) {
        connectdbParams = try lib.function("PQconnectdbParams", as: ra_PQconnectdbParams_fn.self)
        status = try lib.function("PQstatus", as: ra_PQstatus_fn.self)
        errorMessage = try lib.function("PQerrorMessage", as: ra_PQerrorMessage_fn.self)
        finish = try lib.function("PQfinish", as: ra_PQfinish_fn.self)
        exec = try lib.function("PQexec", as: ra_PQexec_fn.self)
        execParams = try lib.function("PQexecParams", as: ra_PQexecParams_fn.self)
        resultStatus = try lib.function("PQresultStatus", as: ra_PQresultStatus_fn.self)
        resultErrorMessage = try lib.function("PQresultErrorMessage", as: ra_PQresultErrorMessage_fn.self)
        clear = try lib.function("PQclear", as: ra_PQclear_fn.self)
        ntuples = try lib.function("PQntuples", as: ra_PQntuples_fn.self)
        nfields = try lib.function("PQnfields", as: ra_PQnfields_fn.self)
        getisnull = try lib.function("PQgetisnull", as: ra_PQgetisnull_fn.self)
        getvalue = try lib.function("PQgetvalue", as: ra_PQgetvalue_fn.self)
    }

    /// Loaded once, on the first PostgreSQL ledger the process opens.
    private static let loaded = Result { () throws(LedgerError) in try PQLibrary(library.open()) }

    /// The functions, or the one-line error naming the package to install.
    static func load() throws(LedgerError) -> PQLibrary { try loaded.get() }
}

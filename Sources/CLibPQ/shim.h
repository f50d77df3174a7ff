/* libpq-fe.h for its types and constants only. libpq.so.5 is not linked: the ledger loads
 * it at first use (Sources/Ledger/PQLibrary.swift, docs/LEDGER.md "Libraries"), so the
 * binary runs without it. These are the types of the functions it resolves there, taken
 * from libpq-fe.h's own prototypes so that a call through them is checked as a direct one is.
 * Debian installs the header in /usr/include/postgresql (libpq-dev). */
#include <postgresql/libpq-fe.h>

typedef __typeof__(&PQconnectdbParams) ra_PQconnectdbParams_fn;
typedef __typeof__(&PQstatus) ra_PQstatus_fn;
typedef __typeof__(&PQerrorMessage) ra_PQerrorMessage_fn;
typedef __typeof__(&PQfinish) ra_PQfinish_fn;
typedef __typeof__(&PQexec) ra_PQexec_fn;
typedef __typeof__(&PQexecParams) ra_PQexecParams_fn;
typedef __typeof__(&PQresultStatus) ra_PQresultStatus_fn;
typedef __typeof__(&PQresultErrorMessage) ra_PQresultErrorMessage_fn;
typedef __typeof__(&PQclear) ra_PQclear_fn;
typedef __typeof__(&PQntuples) ra_PQntuples_fn;
typedef __typeof__(&PQnfields) ra_PQnfields_fn;
typedef __typeof__(&PQgetisnull) ra_PQgetisnull_fn;
typedef __typeof__(&PQgetvalue) ra_PQgetvalue_fn;

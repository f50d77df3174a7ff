/* sqlite3.h for its types and constants only. libsqlite3.so.0 is not linked: the ledger
 * loads it at first use (Sources/Ledger/SQLiteLibrary.swift, docs/LEDGER.md "Libraries"), so
 * the binary runs without it. These are the types of the functions it resolves there, taken
 * from sqlite3.h's own prototypes so that a call through them is checked as a direct one is. */
#include <sqlite3.h>

typedef __typeof__(&sqlite3_open_v2) ra_sqlite3_open_v2_fn;
typedef __typeof__(&sqlite3_close_v2) ra_sqlite3_close_v2_fn;
typedef __typeof__(&sqlite3_errmsg) ra_sqlite3_errmsg_fn;
typedef __typeof__(&sqlite3_errstr) ra_sqlite3_errstr_fn;
typedef __typeof__(&sqlite3_errcode) ra_sqlite3_errcode_fn;
typedef __typeof__(&sqlite3_busy_timeout) ra_sqlite3_busy_timeout_fn;
typedef __typeof__(&sqlite3_extended_result_codes) ra_sqlite3_extended_result_codes_fn;
typedef __typeof__(&sqlite3_exec) ra_sqlite3_exec_fn;
typedef __typeof__(&sqlite3_prepare_v2) ra_sqlite3_prepare_v2_fn;
typedef __typeof__(&sqlite3_finalize) ra_sqlite3_finalize_fn;
typedef __typeof__(&sqlite3_step) ra_sqlite3_step_fn;
typedef __typeof__(&sqlite3_bind_int64) ra_sqlite3_bind_int64_fn;
typedef __typeof__(&sqlite3_bind_text) ra_sqlite3_bind_text_fn;
typedef __typeof__(&sqlite3_bind_null) ra_sqlite3_bind_null_fn;
typedef __typeof__(&sqlite3_column_int64) ra_sqlite3_column_int64_fn;
typedef __typeof__(&sqlite3_column_text) ra_sqlite3_column_text_fn;
typedef __typeof__(&sqlite3_column_bytes) ra_sqlite3_column_bytes_fn;
typedef __typeof__(&sqlite3_column_type) ra_sqlite3_column_type_fn;

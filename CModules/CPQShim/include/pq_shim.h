#ifndef BUNDLE_PQ_SHIM_H
#define BUNDLE_PQ_SHIM_H

// libpq, loaded with dlopen on first use (like libcurl): a SQLite deployment never loads it, and
// building the bundle needs no PostgreSQL headers. Only the calls the store makes are declared,
// with libpq's own types and constants (stable across libpq 10 and later).

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
typedef unsigned int Oid;

#define BUNDLE_PQ_CONNECTION_OK 0
#define BUNDLE_PQ_COMMAND_OK 1
#define BUNDLE_PQ_TUPLES_OK 2
#define BUNDLE_PQ_TRANS_IDLE 0
#define BUNDLE_PQ_TRANS_INERROR 3
#define BUNDLE_PQ_DIAG_SQLSTATE 67 /* 'C' */
#define BUNDLE_PQ_DIAG_MESSAGE_PRIMARY 77 /* 'M' */
#define BUNDLE_PQ_DIAG_MESSAGE_DETAIL 68 /* 'D' */

/// Loads libpq on first use. Returns NULL on success, else a message naming what is missing.
/// The library tried first is `BUNDLE_LIBPQ` (a path) when set, then `lib/libbundle-pq.so`
/// beside the executable's `bin/` (the lean build `infra/dev build` makes), then the system's
/// `libpq.so.5`.
const char *bundle_pq_load(void);
/// The file the library was loaded from (for `health`), or NULL before a successful load.
const char *bundle_pq_library(void);

/// PQconnectdbParams with expand_dbname: `keywords`/`values` end with NULL; a later value (the
/// URL given as `dbname`) overrides an earlier default.
PGconn *bundle_pq_connect(const char *const *keywords, const char *const *values);
int bundle_pq_status(const PGconn *connection);
const char *bundle_pq_error_message(const PGconn *connection);
void bundle_pq_finish(PGconn *connection);
int bundle_pq_transaction_status(const PGconn *connection);
int bundle_pq_server_version(const PGconn *connection);
const char *bundle_pq_parameter_status(const PGconn *connection, const char *name);

/// Simple query protocol (several statements in one string, no parameters).
PGresult *bundle_pq_exec(PGconn *connection, const char *sql);
/// Extended protocol with an unnamed statement (works through PgBouncer's transaction mode).
PGresult *bundle_pq_exec_params(PGconn *connection, const char *sql, int count, const Oid *types,
                                const char *const *values, const int *lengths, const int *formats);
int bundle_pq_result_status(const PGresult *result);
const char *bundle_pq_result_error_field(const PGresult *result, int field);
const char *bundle_pq_result_error_message(const PGresult *result);
int bundle_pq_ntuples(const PGresult *result);
int bundle_pq_nfields(const PGresult *result);
const char *bundle_pq_fname(const PGresult *result, int column);
Oid bundle_pq_ftype(const PGresult *result, int column);
const char *bundle_pq_getvalue(const PGresult *result, int row, int column);
int bundle_pq_getisnull(const PGresult *result, int row, int column);
int bundle_pq_getlength(const PGresult *result, int row, int column);
const char *bundle_pq_cmd_tuples(PGresult *result);
void bundle_pq_clear(PGresult *result);

#endif

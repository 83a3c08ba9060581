#include "pq_shim.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef void (*notice_processor)(void *, const char *);

static struct {
    PGconn *(*connectdb_params)(const char *const *, const char *const *, int);
    int (*status)(const PGconn *);
    char *(*error_message)(const PGconn *);
    void (*finish)(PGconn *);
    int (*transaction_status)(const PGconn *);
    int (*server_version)(const PGconn *);
    const char *(*parameter_status)(const PGconn *, const char *);
    notice_processor (*set_notice_processor)(PGconn *, notice_processor, void *);
    PGresult *(*exec)(PGconn *, const char *);
    PGresult *(*exec_params)(PGconn *, const char *, int, const Oid *, const char *const *, const int *, const int *, int);
    int (*result_status)(const PGresult *);
    char *(*result_error_field)(const PGresult *, int);
    char *(*result_error_message)(const PGresult *);
    int (*ntuples)(const PGresult *);
    int (*nfields)(const PGresult *);
    char *(*fname)(const PGresult *, int);
    Oid (*ftype)(const PGresult *, int);
    char *(*getvalue)(const PGresult *, int, int);
    int (*getisnull)(const PGresult *, int, int);
    int (*getlength)(const PGresult *, int, int);
    char *(*cmd_tuples)(PGresult *);
    void (*clear)(PGresult *);
} pq;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_error = NULL;
static char loaded_from[PATH_MAX];

// `<dir of the executable>/../lib/libbundle-pq.so`: dist/bin/bundle finds dist/lib's lean libpq.
static void *open_beside_executable(void) {
    char path[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0) return NULL;
    path[length] = 0;
    char *slash = strrchr(path, '/');
    if (slash == NULL) return NULL;
    *slash = 0;
    static const char suffix[] = "/../lib/libbundle-pq.so";
    if (strlen(path) + sizeof suffix > sizeof path) return NULL;
    strcat(path, suffix);
    void *library = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (library) strncpy(loaded_from, path, sizeof loaded_from - 1);
    return library;
}

static void load(void) {
    void *library = NULL;
    const char *explicit_path = getenv("BUNDLE_LIBPQ");
    if (explicit_path && *explicit_path) {
        library = dlopen(explicit_path, RTLD_LAZY | RTLD_LOCAL);
        if (library == NULL) {
            load_error = "BUNDLE_LIBPQ names a library that cannot be loaded";
            return;
        }
        strncpy(loaded_from, explicit_path, sizeof loaded_from - 1);
    }
    if (library == NULL) library = open_beside_executable();
    if (library == NULL) {
        library = dlopen("libpq.so.5", RTLD_LAZY | RTLD_LOCAL);
        if (library) strncpy(loaded_from, "libpq.so.5", sizeof loaded_from - 1);
    }
    if (library == NULL) {
        load_error = "libpq is not installed (Debian package libpq5)";
        return;
    }
#define RESOLVE(field, symbol)                                      \
    pq.field = (__typeof__(pq.field))dlsym(library, symbol);        \
    if (pq.field == NULL) {                                         \
        load_error = "libpq is missing the symbol " symbol;         \
        return;                                                     \
    }
    RESOLVE(connectdb_params, "PQconnectdbParams")
    RESOLVE(status, "PQstatus")
    RESOLVE(error_message, "PQerrorMessage")
    RESOLVE(finish, "PQfinish")
    RESOLVE(transaction_status, "PQtransactionStatus")
    RESOLVE(server_version, "PQserverVersion")
    RESOLVE(parameter_status, "PQparameterStatus")
    RESOLVE(set_notice_processor, "PQsetNoticeProcessor")
    RESOLVE(exec, "PQexec")
    RESOLVE(exec_params, "PQexecParams")
    RESOLVE(result_status, "PQresultStatus")
    RESOLVE(result_error_field, "PQresultErrorField")
    RESOLVE(result_error_message, "PQresultErrorMessage")
    RESOLVE(ntuples, "PQntuples")
    RESOLVE(nfields, "PQnfields")
    RESOLVE(fname, "PQfname")
    RESOLVE(ftype, "PQftype")
    RESOLVE(getvalue, "PQgetvalue")
    RESOLVE(getisnull, "PQgetisnull")
    RESOLVE(getlength, "PQgetlength")
    RESOLVE(cmd_tuples, "PQcmdTuples")
    RESOLVE(clear, "PQclear")
#undef RESOLVE
}

const char *bundle_pq_load(void) {
    pthread_once(&load_once, load);
    return load_error;
}

const char *bundle_pq_library(void) {
    return bundle_pq_load() == NULL ? loaded_from : NULL;
}

// Notices (`NOTICE: relation already exists, skipping`) would go to stderr, which is the
// function's log stream: they are dropped.
static void ignore_notice(void *context, const char *message) {
    (void)context;
    (void)message;
}

PGconn *bundle_pq_connect(const char *const *keywords, const char *const *values) {
    if (bundle_pq_load() != NULL) return NULL;
    PGconn *connection = pq.connectdb_params(keywords, values, 1);
    if (connection) pq.set_notice_processor(connection, ignore_notice, NULL);
    return connection;
}

int bundle_pq_status(const PGconn *connection) { return pq.status(connection); }
const char *bundle_pq_error_message(const PGconn *connection) {
    if (connection == NULL) return load_error ? load_error : "out of memory";
    return pq.error_message(connection);
}
void bundle_pq_finish(PGconn *connection) { if (connection) pq.finish(connection); }
int bundle_pq_transaction_status(const PGconn *connection) { return pq.transaction_status(connection); }
int bundle_pq_server_version(const PGconn *connection) { return pq.server_version(connection); }
const char *bundle_pq_parameter_status(const PGconn *connection, const char *name) {
    return pq.parameter_status(connection, name);
}

PGresult *bundle_pq_exec(PGconn *connection, const char *sql) { return pq.exec(connection, sql); }
PGresult *bundle_pq_exec_params(PGconn *connection, const char *sql, int count, const Oid *types,
                                const char *const *values, const int *lengths, const int *formats) {
    return pq.exec_params(connection, sql, count, types, values, lengths, formats, 0);
}
int bundle_pq_result_status(const PGresult *result) { return pq.result_status(result); }
const char *bundle_pq_result_error_field(const PGresult *result, int field) { return pq.result_error_field(result, field); }
const char *bundle_pq_result_error_message(const PGresult *result) { return pq.result_error_message(result); }
int bundle_pq_ntuples(const PGresult *result) { return pq.ntuples(result); }
int bundle_pq_nfields(const PGresult *result) { return pq.nfields(result); }
const char *bundle_pq_fname(const PGresult *result, int column) { return pq.fname(result, column); }
Oid bundle_pq_ftype(const PGresult *result, int column) { return pq.ftype(result, column); }
const char *bundle_pq_getvalue(const PGresult *result, int row, int column) { return pq.getvalue(result, row, column); }
int bundle_pq_getisnull(const PGresult *result, int row, int column) { return pq.getisnull(result, row, column); }
int bundle_pq_getlength(const PGresult *result, int row, int column) { return pq.getlength(result, row, column); }
const char *bundle_pq_cmd_tuples(PGresult *result) { return pq.cmd_tuples(result); }
void bundle_pq_clear(PGresult *result) { if (result) pq.clear(result); }

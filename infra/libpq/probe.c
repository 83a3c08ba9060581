// Connects with a libpq loaded the way CModules/CPQShim loads it (dlopen, RTLD_LOCAL), runs
// `SELECT 1` and exits: `probe LIBRARY CONNINFO` (LIBRARY: dist/lib/libbundle-pq.so or libpq.so.5),
// or `probe --sqlite FILE` (sqlite3_open_v2 + `SELECT 1`, the cost the bundle pays on SQLite).
// `infra/dev build` uses it to prove the lean library connects; `infra/dev bench libpq` times it.
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef void *(*connectdb_fn)(const char *);
typedef int (*status_fn)(const void *);
typedef char *(*error_fn)(const void *);
typedef void *(*exec_fn)(void *, const char *);
typedef int (*result_status_fn)(const void *);
typedef char *(*getvalue_fn)(const void *, int, int);
typedef void (*clear_fn)(void *);
typedef void (*finish_fn)(void *);

static int sqlite(const char *file) {
    void *library = dlopen("libsqlite3.so.0", RTLD_LAZY | RTLD_LOCAL);
    if (!library) { fprintf(stderr, "probe: %s\n", dlerror()); return 2; }
    int (*open_v2)(const char *, void **, int, const char *) = (int (*)(const char *, void **, int, const char *))dlsym(library, "sqlite3_open_v2");
    int (*exec)(void *, const char *, void *, void *, char **) = (int (*)(void *, const char *, void *, void *, char **))dlsym(library, "sqlite3_exec");
    int (*close)(void *) = (int (*)(void *))dlsym(library, "sqlite3_close");
    void *db = NULL;
    if (open_v2(file, &db, 0x2 | 0x4 /* READWRITE | CREATE */, NULL) != 0) { fprintf(stderr, "probe: cannot open %s\n", file); return 1; }
    int status = exec(db, "SELECT 1", NULL, NULL, NULL);
    close(db);
    return status == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--sqlite") == 0) return sqlite(argv[2]);
    if (argc != 3) { fprintf(stderr, "usage: probe LIBRARY CONNINFO | probe --sqlite FILE\n"); return 64; }
    void *library = dlopen(argv[1], RTLD_LAZY | RTLD_LOCAL);
    if (!library) { fprintf(stderr, "probe: %s\n", dlerror()); return 2; }
    connectdb_fn connectdb = (connectdb_fn)dlsym(library, "PQconnectdb");
    status_fn status = (status_fn)dlsym(library, "PQstatus");
    error_fn error = (error_fn)dlsym(library, "PQerrorMessage");
    exec_fn exec = (exec_fn)dlsym(library, "PQexec");
    result_status_fn result_status = (result_status_fn)dlsym(library, "PQresultStatus");
    getvalue_fn getvalue = (getvalue_fn)dlsym(library, "PQgetvalue");
    clear_fn clear = (clear_fn)dlsym(library, "PQclear");
    finish_fn finish = (finish_fn)dlsym(library, "PQfinish");
    if (!connectdb || !status || !error || !exec || !result_status || !getvalue || !clear || !finish) {
        fprintf(stderr, "probe: %s lacks a libpq function\n", argv[1]);
        return 2;
    }
    void *connection = connectdb(argv[2]);
    if (status(connection) != 0 /* CONNECTION_OK */) {
        fprintf(stderr, "probe: %s", error(connection));
        finish(connection);
        return 1;
    }
    void *result = exec(connection, "SELECT 1");
    int ok = result_status(result) == 2 /* PGRES_TUPLES_OK */ && strcmp(getvalue(result, 0, 0), "1") == 0;
    if (!ok) fprintf(stderr, "probe: SELECT 1 failed: %s", error(connection));
    clear(result);
    finish(connection);
    return ok ? 0 : 1;
}

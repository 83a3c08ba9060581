// The lean libpq: dist/lib/libbundle-pq.so, linked by `infra/dev build` from Debian's static
// libpq.a (package libpq-dev) and the server's libpgcommon_shlib.a/libpgport_shlib.a (package
// postgresql-server-dev-<major>) against libssl/libcrypto only.
//
// Why: Debian's shared libpq.so.5 is built with GSSAPI (Kerberos) and LDAP and so loads 22
// libraries, about 3 ms of every process start that connects; the bundle starts a process per
// request. This one loads libssl, libcrypto and libc. GSSAPI and LDAP are not supported by it:
// the stubs below fail the way an unconfigured Kerberos/LDAP does, so `gssencmode=prefer` (the
// default) goes on without GSS encryption, `gssencmode=require` and `krbsrvname` setups fail with
// libpq's own error, and an `ldap://` service lookup fails ("could not create LDAP structure").
// Password (md5/SCRAM), TLS and Unix-socket peer authentication work as with libpq.so.5.
//
// The whole of libpq.a is linked (--whole-archive), so every PQ* function is there, not only the
// ones CModules/CPQShim/pq_shim.c resolves today; libpq-exports.map exports PQ* and lo_* only.
// `bundle_pq_lean_marker` tells this library apart from libpq.so.5 (the tests look for it).

#include <stddef.h>
#include <stdint.h>

const char bundle_pq_lean_marker[] = "libbundle-pq: libpq without GSSAPI and LDAP";

// ---- GSSAPI (MIT krb5 ABI: OM_uint32 statuses, gss_buffer_desc {length, value}) ----

typedef uint32_t OM_uint32;
typedef struct { size_t length; void *value; } gss_buffer_desc;

#define GSS_S_FAILURE ((OM_uint32)13 << 16) // GSS_S_FAILURE: "unspecified failure", never complete

// libpq compares names against this OID object; no name is ever imported, so NULL is never read.
void *GSS_C_NT_HOSTBASED_SERVICE = NULL;

static OM_uint32 gss_unavailable(OM_uint32 *minor_status) {
    if (minor_status) *minor_status = 0;
    return GSS_S_FAILURE;
}

// No credential cache: libpq's pg_GSS_have_cred_cache() is false, so no GSS encryption is tried.
OM_uint32 gss_acquire_cred(OM_uint32 *minor, void *name, OM_uint32 time, void *mechs, int usage,
                           void **cred, void **actual_mechs, OM_uint32 *time_rec) {
    (void)name; (void)time; (void)mechs; (void)usage; (void)actual_mechs; (void)time_rec;
    if (cred) *cred = NULL;
    return gss_unavailable(minor);
}
OM_uint32 gss_import_name(OM_uint32 *minor, const gss_buffer_desc *buffer, const void *type, void **name) {
    (void)buffer; (void)type;
    if (name) *name = NULL;
    return gss_unavailable(minor);
}
OM_uint32 gss_init_sec_context(OM_uint32 *minor, void *cred, void **context, void *target, void *mech,
                               OM_uint32 flags, OM_uint32 time, void *bindings, const gss_buffer_desc *input,
                               void **actual_mech, gss_buffer_desc *output, OM_uint32 *ret_flags,
                               OM_uint32 *time_rec) {
    (void)cred; (void)context; (void)target; (void)mech; (void)flags; (void)time; (void)bindings;
    (void)input; (void)actual_mech; (void)ret_flags; (void)time_rec;
    if (output) { output->length = 0; output->value = NULL; }
    return gss_unavailable(minor);
}
// libpq's pg_GSS_error stops at the first status that is not GSS_S_COMPLETE.
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, void *mech,
                             OM_uint32 *message_context, gss_buffer_desc *message) {
    (void)status; (void)type; (void)mech;
    if (message_context) *message_context = 0;
    if (message) { message->length = 0; message->value = NULL; }
    return gss_unavailable(minor);
}
OM_uint32 gss_wrap(OM_uint32 *minor, void *context, int conf, OM_uint32 qop, const gss_buffer_desc *input,
                   int *conf_state, gss_buffer_desc *output) {
    (void)context; (void)conf; (void)qop; (void)input; (void)conf_state;
    if (output) { output->length = 0; output->value = NULL; }
    return gss_unavailable(minor);
}
OM_uint32 gss_unwrap(OM_uint32 *minor, void *context, const gss_buffer_desc *input, gss_buffer_desc *output,
                     int *conf_state, OM_uint32 *qop) {
    (void)context; (void)input; (void)conf_state; (void)qop;
    if (output) { output->length = 0; output->value = NULL; }
    return gss_unavailable(minor);
}
OM_uint32 gss_wrap_size_limit(OM_uint32 *minor, void *context, int conf, OM_uint32 qop, OM_uint32 size,
                              OM_uint32 *max_size) {
    (void)context; (void)conf; (void)qop; (void)size;
    if (max_size) *max_size = 0;
    return gss_unavailable(minor);
}
// Releasing nothing succeeds (libpq calls these on cleanup paths; the stubs never allocate).
OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_desc *buffer) {
    if (minor) *minor = 0;
    if (buffer) { buffer->length = 0; buffer->value = NULL; }
    return 0;
}
OM_uint32 gss_release_name(OM_uint32 *minor, void **name) {
    if (minor) *minor = 0;
    if (name) *name = NULL;
    return 0;
}
OM_uint32 gss_release_cred(OM_uint32 *minor, void **cred) {
    if (minor) *minor = 0;
    if (cred) *cred = NULL;
    return 0;
}
OM_uint32 gss_delete_sec_context(OM_uint32 *minor, void **context, gss_buffer_desc *output) {
    if (minor) *minor = 0;
    if (context) *context = NULL;
    if (output) { output->length = 0; output->value = NULL; }
    return 0;
}

// ---- LDAP (service lookups, `ldap://` in pg_service.conf): ldap_init fails first ----

#define LDAP_OTHER 0x50

void *ldap_init(const char *host, int port) { (void)host; (void)port; return NULL; }
int ldap_set_option(void *ld, int option, const void *value) { (void)ld; (void)option; (void)value; return LDAP_OTHER; }
int ldap_simple_bind(void *ld, const char *who, const char *password) { (void)ld; (void)who; (void)password; return -1; }
int ldap_result(void *ld, int id, int all, void *timeout, void **result) {
    (void)ld; (void)id; (void)all; (void)timeout;
    if (result) *result = NULL;
    return -1;
}
int ldap_search_st(void *ld, const char *base, int scope, const char *filter, char **attrs, int attrsonly,
                   void *timeout, void **result) {
    (void)ld; (void)base; (void)scope; (void)filter; (void)attrs; (void)attrsonly; (void)timeout;
    if (result) *result = NULL;
    return LDAP_OTHER;
}
int ldap_count_entries(void *ld, void *chain) { (void)ld; (void)chain; return -1; }
void *ldap_first_entry(void *ld, void *chain) { (void)ld; (void)chain; return NULL; }
void **ldap_get_values_len(void *ld, void *entry, const char *attr) { (void)ld; (void)entry; (void)attr; return NULL; }
void ldap_value_free_len(void **values) { (void)values; }
int ldap_msgfree(void *message) { (void)message; return 0; }
int ldap_unbind(void *ld) { (void)ld; return 0; }
char *ldap_err2string(int error) { (void)error; return (char *)"LDAP is not supported by this libpq (libbundle-pq)"; }

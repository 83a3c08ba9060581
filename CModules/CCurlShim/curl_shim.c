#include "curl_shim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef CURLcode (*global_init_fn)(long);
typedef CURL *(*easy_init_fn)(void);
typedef void (*easy_cleanup_fn)(CURL *);
typedef CURLcode (*easy_perform_fn)(CURL *);
typedef const char *(*easy_strerror_fn)(CURLcode);
typedef struct curl_slist *(*slist_append_fn)(struct curl_slist *, const char *);
typedef void (*slist_free_all_fn)(struct curl_slist *);
typedef CURLcode (*easy_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*easy_getinfo_fn)(CURL *, CURLINFO, ...);

static struct {
    global_init_fn global_init;
    easy_init_fn easy_init;
    easy_cleanup_fn easy_cleanup;
    easy_perform_fn easy_perform;
    easy_strerror_fn easy_strerror;
    slist_append_fn slist_append;
    slist_free_all_fn slist_free_all;
    easy_setopt_fn easy_setopt;
    easy_getinfo_fn easy_getinfo;
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_error = NULL;

static void load(void) {
    static const char *names[] = {"libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4", NULL};
    void *library = NULL;
    for (int i = 0; names[i] != NULL && library == NULL; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        load_error = "libcurl is not installed (Debian package libcurl4)";
        return;
    }
#define RESOLVE(field, symbol)                                         \
    curl.field = (__typeof__(curl.field))dlsym(library, symbol);       \
    if (curl.field == NULL) {                                          \
        load_error = "libcurl is missing the symbol " symbol;          \
        return;                                                        \
    }
    RESOLVE(global_init, "curl_global_init")
    RESOLVE(easy_init, "curl_easy_init")
    RESOLVE(easy_cleanup, "curl_easy_cleanup")
    RESOLVE(easy_perform, "curl_easy_perform")
    RESOLVE(easy_strerror, "curl_easy_strerror")
    RESOLVE(slist_append, "curl_slist_append")
    RESOLVE(slist_free_all, "curl_slist_free_all")
    RESOLVE(easy_setopt, "curl_easy_setopt")
    RESOLVE(easy_getinfo, "curl_easy_getinfo")
#undef RESOLVE
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        load_error = "libcurl failed to initialise";
    }
}

const char *bundle_curl_load(void) {
    pthread_once(&load_once, load);
    return load_error;
}

static void *preload_thread(void *unused) {
    (void)unused;
    bundle_curl_load();
    return NULL;
}

int bundle_curl_preload(void) {
    pthread_attr_t attributes;
    int status = pthread_attr_init(&attributes);
    if (status != 0) return status;
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    status = pthread_create(&thread, &attributes, preload_thread, NULL);
    pthread_attr_destroy(&attributes);
    return status;
}

CURL *bundle_curl_easy_init(void) { return bundle_curl_load() ? NULL : curl.easy_init(); }
void bundle_curl_easy_cleanup(CURL *handle) { if (handle) curl.easy_cleanup(handle); }
CURLcode bundle_curl_easy_perform(CURL *handle) { return curl.easy_perform(handle); }
const char *bundle_curl_easy_strerror(CURLcode code) {
    return bundle_curl_load() ? "libcurl unavailable" : curl.easy_strerror(code);
}
struct curl_slist *bundle_curl_slist_append(struct curl_slist *list, const char *value) {
    return curl.slist_append(list, value);
}
void bundle_curl_slist_free_all(struct curl_slist *list) { if (list) curl.slist_free_all(list); }

CURLcode bundle_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode bundle_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode bundle_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode bundle_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl.easy_setopt(handle, option, value);
}
CURLcode bundle_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl.easy_getinfo(handle, info, value);
}

void bundle_curl_buffer_free(bundle_curl_buffer *buffer) {
    free(buffer->bytes);
    buffer->bytes = NULL;
    buffer->length = 0;
    buffer->capacity = 0;
}

static size_t append(char *data, size_t size, size_t count, void *context) {
    bundle_curl_buffer *buffer = context;
    size_t incoming = size * count;
    if (buffer->limit > 0 && buffer->length + incoming > buffer->limit) {
        buffer->overflowed = 1;
        return 0; // makes libcurl stop with CURLE_WRITE_ERROR
    }
    if (buffer->length + incoming > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 16384;
        while (capacity < buffer->length + incoming) capacity *= 2;
        unsigned char *grown = realloc(buffer->bytes, capacity);
        if (grown == NULL) return 0;
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->length, data, incoming);
    buffer->length += incoming;
    return incoming;
}

CURLcode bundle_curl_capture(CURL *handle, bundle_curl_buffer *body, bundle_curl_buffer *headers) {
    CURLcode code = curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, append);
    if (code == CURLE_OK) code = curl.easy_setopt(handle, CURLOPT_WRITEDATA, (void *)body);
    if (code == CURLE_OK) code = curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, append);
    if (code == CURLE_OK) code = curl.easy_setopt(handle, CURLOPT_HEADERDATA, (void *)headers);
    return code;
}

static size_t forward(char *data, size_t size, size_t count, void *context) {
    bundle_curl_stream_target *target = context;
    size_t incoming = size * count;
    return target->sink((const unsigned char *)data, incoming, target->context) ? incoming : 0;
}

CURLcode bundle_curl_stream(CURL *handle, bundle_curl_stream_target *target, bundle_curl_buffer *headers) {
    CURLcode code = curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, forward);
    if (code == CURLE_OK) code = curl.easy_setopt(handle, CURLOPT_WRITEDATA, (void *)target);
    if (code == CURLE_OK) code = curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, append);
    if (code == CURLE_OK) code = curl.easy_setopt(handle, CURLOPT_HEADERDATA, (void *)headers);
    return code;
}

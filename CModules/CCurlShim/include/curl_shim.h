#ifndef BUNDLE_CURL_SHIM_H
#define BUNDLE_CURL_SHIM_H

#include <stddef.h>
#include <curl/curl.h>

/// Loads libcurl on first use. Returns NULL on success, else a message naming what is missing.
const char *bundle_curl_load(void);

/// Starts loading libcurl on a detached thread and returns at once: a caller that knows it will
/// soon make a request overlaps the load (about 10-15 ms: libcurl and its two dozen libraries)
/// with its other work. `bundle_curl_load` waits for a load in progress. Returns 0 when the
/// thread started (or the load had already run), else an errno value; loading then happens on
/// first use as before.
int bundle_curl_preload(void);

CURL *bundle_curl_easy_init(void);
void bundle_curl_easy_cleanup(CURL *handle);
CURLcode bundle_curl_easy_perform(CURL *handle);
const char *bundle_curl_easy_strerror(CURLcode code);
struct curl_slist *bundle_curl_slist_append(struct curl_slist *list, const char *value);
void bundle_curl_slist_free_all(struct curl_slist *list);

/// Typed front doors for the variadic curl_easy_setopt / curl_easy_getinfo, which Swift cannot call.
CURLcode bundle_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode bundle_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode bundle_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode bundle_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode bundle_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

/// A growable byte buffer with a cap, filled by the C write/header callbacks below so that Swift
/// does not have to pass closures through C function pointers.
typedef struct {
    unsigned char *bytes;
    size_t length;
    size_t capacity;
    size_t limit;      // 0 = unlimited
    int overflowed;    // set when the limit stopped the transfer
} bundle_curl_buffer;

void bundle_curl_buffer_free(bundle_curl_buffer *buffer);

/// Installs the write (body) and header callbacks that append into the given buffers.
CURLcode bundle_curl_capture(CURL *handle, bundle_curl_buffer *body, bundle_curl_buffer *headers);

/// Receives one piece of a streamed body; returns nonzero to go on, zero to stop the transfer
/// (libcurl then ends it with CURLE_WRITE_ERROR). Swift passes a capture-free function here and
/// reaches its own state through `context`.
typedef int (*bundle_curl_sink)(const unsigned char *bytes, size_t length, void *context);

/// Where a streamed body goes: the sink and the context it is called with. Must outlive the
/// transfer (libcurl keeps a pointer to it).
typedef struct {
    bundle_curl_sink sink;
    void *context;
} bundle_curl_stream_target;

/// Installs a write (body) callback that hands each piece to `target->sink` as libcurl delivers
/// it, and the header callback that appends into `headers`.
CURLcode bundle_curl_stream(CURL *handle, bundle_curl_stream_target *target, bundle_curl_buffer *headers);

#endif

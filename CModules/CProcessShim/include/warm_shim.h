#ifndef BUNDLE_WARM_SHIM_H
#define BUNDLE_WARM_SHIM_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>

/// What a warm worker shares with its master (`bundle serve-fastcgi`): one slot per worker in
/// memory both map, written by the worker without system calls and read by the master when the
/// worker overruns its deadline or dies mid-request.
enum bundle_slot_field {
    BUNDLE_SLOT_CLAIMED = 0,    // the answer's one-writer flag: an answer has started
    BUNDLE_SLOT_COMPLETE,       // the whole answer went out
    BUNDLE_SLOT_STATE,          // 0 idle, 1 reading a request, 2 running it, 3 answered (finishing)
    BUNDLE_SLOT_STDIN_DONE,     // the request's input stream was read to its end
    BUNDLE_SLOT_KEEP_CONN,      // the web server asked to keep the connection (FCGI_KEEP_CONN)
    BUNDLE_SLOT_REQUEST,        // the FastCGI request id
    BUNDLE_SLOT_KILL_AT_MS,     // CLOCK_MONOTONIC milliseconds after which the master kills; 0 none
    BUNDLE_SLOT_TIMEOUT_MS,     // the request's timeout, for the master's answer
    BUNDLE_SLOT_SERVED,         // requests served by this worker
    BUNDLE_SLOT_PID,
    BUNDLE_SLOT_FIELDS = 16
};

struct bundle_worker_slot {
    long long fields[BUNDLE_SLOT_FIELDS];
    char request_id[136];
};

long long bundle_slot_get(const struct bundle_worker_slot *slot, int field);
void bundle_slot_set(struct bundle_worker_slot *slot, int field, long long value);
/// The slot's answer flags, for bundle_attach_answer.
long long *bundle_slot_field_address(struct bundle_worker_slot *slot, int field);
/// Copies the HTTP request id in (truncated, NUL-terminated) or out; returns its length.
void bundle_slot_set_request_id(struct bundle_worker_slot *slot, const char *text, size_t length);
size_t bundle_slot_request_id(const struct bundle_worker_slot *slot, char *out, size_t capacity);

/// Maps `count` slots of the memory file `fd` shared (MAP_SHARED); NULL on failure.
struct bundle_worker_slot *bundle_map_slots(int fd, size_t count);

/// CLOCK_MONOTONIC in milliseconds (the same clock in master and workers).
long long bundle_monotonic_ms(void);

/// Sends `length` bytes (one SOCK_SEQPACKET message) with descriptor `fd` attached (none when -1).
/// Returns 0, or an errno value.
int bundle_send_with_fd(int socket, const void *bytes, size_t length, int fd);

/// Receives one message into `bytes`, and the descriptor attached to it into `*fd` (-1 when
/// none; the descriptor is close-on-exec). Returns the message's length, 0 at end of stream, or
/// -1 with errno set.
ssize_t bundle_receive_with_fd(int socket, void *bytes, size_t capacity, int *fd);

/// accept4 with SOCK_CLOEXEC (the connection itself blocking: workers read it with timeouts).
int bundle_accept(int listener);

/// The signals the master takes through signalfd: blocked for the calling thread and returned as
/// a close-on-exec, non-blocking signalfd (-1 on failure). SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT.
int bundle_master_signalfd(void);
/// Reads one signal from the signalfd: its number, 0 when none is waiting, -1 on error.
int bundle_read_signal(int fd);

#endif

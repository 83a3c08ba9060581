#define _GNU_SOURCE
#include "warm_shim.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long long bundle_slot_get(const struct bundle_worker_slot *slot, int field) {
    if (slot == NULL || field < 0 || field >= BUNDLE_SLOT_FIELDS) return 0;
    return __atomic_load_n(&slot->fields[field], __ATOMIC_SEQ_CST);
}

void bundle_slot_set(struct bundle_worker_slot *slot, int field, long long value) {
    if (slot == NULL || field < 0 || field >= BUNDLE_SLOT_FIELDS) return;
    __atomic_store_n(&slot->fields[field], value, __ATOMIC_SEQ_CST);
}

long long *bundle_slot_field_address(struct bundle_worker_slot *slot, int field) {
    if (slot == NULL || field < 0 || field >= BUNDLE_SLOT_FIELDS) return NULL;
    return &slot->fields[field];
}

void bundle_slot_set_request_id(struct bundle_worker_slot *slot, const char *text, size_t length) {
    if (slot == NULL) return;
    if (length >= sizeof slot->request_id) length = sizeof slot->request_id - 1;
    memcpy(slot->request_id, text, length);
    slot->request_id[length] = 0;
}

size_t bundle_slot_request_id(const struct bundle_worker_slot *slot, char *out, size_t capacity) {
    if (slot == NULL || capacity == 0) return 0;
    size_t length = strnlen(slot->request_id, sizeof slot->request_id - 1);
    if (length >= capacity) length = capacity - 1;
    memcpy(out, slot->request_id, length);
    out[length] = 0;
    return length;
}

struct bundle_worker_slot *bundle_map_slots(int fd, size_t count) {
    void *memory = mmap(NULL, count * sizeof(struct bundle_worker_slot), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return memory == MAP_FAILED ? NULL : memory;
}

long long bundle_monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int bundle_send_with_fd(int socket, const void *bytes, size_t length, int fd) {
    struct iovec part = {.iov_base = (void *)bytes, .iov_len = length};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    if (fd >= 0) {
        memset(&control, 0, sizeof control);
        message.msg_control = control.buffer;
        message.msg_controllen = sizeof control.buffer;
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &fd, sizeof(int));
    }
    for (;;) {
        ssize_t sent = sendmsg(socket, &message, MSG_NOSIGNAL);
        if (sent >= 0) return 0;
        if (errno != EINTR) return errno;
    }
}

ssize_t bundle_receive_with_fd(int socket, void *bytes, size_t capacity, int *fd) {
    struct iovec part = {.iov_base = bytes, .iov_len = capacity};
    union {
        char buffer[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control.buffer;
    message.msg_controllen = sizeof control.buffer;
    *fd = -1;
    ssize_t received;
    do {
        received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int descriptors[4];
        if (count > 4) count = 4;
        memcpy(descriptors, CMSG_DATA(header), count * sizeof(int));
        // One descriptor is expected; any others are closed rather than leaked.
        for (size_t index = 0; index < count; index++) {
            if (*fd < 0) *fd = descriptors[index]; else close(descriptors[index]);
        }
    }
    return received;
}

int bundle_master_signalfd(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int bundle_read_signal(int fd) {
    struct signalfd_siginfo info;
    ssize_t count;
    do {
        count = read(fd, &info, sizeof info);
    } while (count < 0 && errno == EINTR);
    if (count < 0) return errno == EAGAIN ? 0 : -1;
    if (count != sizeof info) return -1;
    return (int)info.ssi_signo;
}

int bundle_accept(int listener) {
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC);
}

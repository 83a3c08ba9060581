#define _GNU_SOURCE
#include "process_shim.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/// The one-writer flag of the answer, and the flag set once a whole answer went out: this
/// process's own, or a warm worker's scoreboard slot (bundle_attach_answer), which its master reads.
static long long own_claim = 0;
static long long own_complete = 0;
static long long *volatile claim_flag = &own_claim;
static long long *volatile complete_flag = &own_complete;

/// A document and its length, swapped in as one pointer so a handler never pairs one copy's
/// bytes with another's length.
struct answer_copy {
    size_t length;
    char bytes[];
};

static struct answer_copy *make_copy(const char *bytes, size_t length) {
    struct answer_copy *copy = malloc(sizeof(struct answer_copy) + length);
    if (copy == NULL) return NULL;
    copy->length = length;
    if (length > 0) memcpy(copy->bytes, bytes, length);
    return copy;
}

static _Atomic(struct answer_copy *) crash_document = NULL;
/// The copy replaced last: freed only when the next one is replaced, so a handler that loaded a
/// pointer just before a swap never reads freed memory.
static _Atomic(struct answer_copy *) crash_retired = NULL;
static int crash_exit_code = 70;

int bundle_claim_stdout(void) {
    long long expected = 0;
    return __atomic_compare_exchange_n(claim_flag, &expected, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 1 : 0;
}

void bundle_mark_answer_complete(void) {
    __atomic_store_n(complete_flag, 1, __ATOMIC_SEQ_CST);
}

void bundle_release_stdout(void) {
    __atomic_store_n(complete_flag, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(claim_flag, 0, __ATOMIC_SEQ_CST);
}

void bundle_attach_answer(long long *claim, long long *complete) {
    claim_flag = claim != NULL ? claim : &own_claim;
    complete_flag = complete != NULL ? complete : &own_complete;
}


int bundle_write_all(int fd, const void *bytes, size_t length) {
    const char *cursor = bytes;
    while (length > 0) {
        ssize_t written = write(fd, cursor, length);
        if (written < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        cursor += written;
        length -= (size_t)written;
    }
    return 0;
}

/// The crash log's fields and their length, swapped in as one pointer so the handler never
/// pairs one copy's bytes with another's length.
struct crash_log {
    size_t length;
    char fields[];
};
static _Atomic(struct crash_log *) crash_log = NULL;
/// The copy replaced last, freed only at the next swap: a handler that loaded it just before a
/// swap may still be reading it (a warm worker sets one per request).
static _Atomic(struct crash_log *) crash_log_retired = NULL;

void bundle_set_crash_log(const char *fields, size_t length) {
    struct crash_log *copy = malloc(sizeof(struct crash_log) + length);
    if (copy == NULL) return;
    copy->length = length;
    memcpy(copy->fields, fields, length);
    struct crash_log *previous = atomic_exchange(&crash_log, copy);
    free(atomic_exchange(&crash_log_retired, previous));
}

/// Appends the decimal digits of `value` at `cursor`; returns the new end.
static char *append_number(char *cursor, long value, int width) {
    char digits[24];
    int count = 0;
    if (value < 0) value = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && count < (int)sizeof digits);
    while (count < width && count < (int)sizeof digits) digits[count++] = '0';
    while (count > 0) *cursor++ = digits[--count];
    return cursor;
}

static char *append_text(char *cursor, const char *text) {
    while (*text) *cursor++ = *text++;
    return cursor;
}

static const char *signal_name(int signal_number) {
    switch (signal_number) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    default: return "signal";
    }
}

/// Writes `{"ts":"…","signal":11,"signal_name":"SIGSEGV",<fields>}` to stderr with nothing but
/// clock_gettime, arithmetic and write(2): async-signal-safe, unlike the logger.
static void write_crash_log(int signal_number) {
    struct crash_log *entry = atomic_load(&crash_log);
    if (entry == NULL || entry->length == 0) return;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    long seconds = (long)now.tv_sec;
    long days = seconds / 86400, rest = seconds % 86400;
    long z = days + 719468, era = z / 146097, doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9, year = yoe + era * 400 + (month <= 2);
    char head[160];
    char *cursor = append_text(head, "{\"ts\":\"");
    cursor = append_number(cursor, year, 4);
    *cursor++ = '-';
    cursor = append_number(cursor, month, 2);
    *cursor++ = '-';
    cursor = append_number(cursor, day, 2);
    *cursor++ = 'T';
    cursor = append_number(cursor, rest / 3600, 2);
    *cursor++ = ':';
    cursor = append_number(cursor, rest % 3600 / 60, 2);
    *cursor++ = ':';
    cursor = append_number(cursor, rest % 60, 2);
    *cursor++ = '.';
    cursor = append_number(cursor, now.tv_nsec / 1000000, 3);
    cursor = append_text(cursor, "Z\",\"signal\":");
    cursor = append_number(cursor, signal_number, 1);
    cursor = append_text(cursor, ",\"signal_name\":\"");
    cursor = append_text(cursor, signal_name(signal_number));
    cursor = append_text(cursor, "\",");
    bundle_write_all(STDERR_FILENO, head, (size_t)(cursor - head));
    bundle_write_all(STDERR_FILENO, entry->fields, entry->length);
    bundle_write_all(STDERR_FILENO, "}\n", 2);
}

static void on_crash(int signal_number) {
    struct answer_copy *document = atomic_load(&crash_document);
    if (document != NULL && bundle_claim_stdout()) {
        write_crash_log(signal_number);
        if (bundle_write_all(STDOUT_FILENO, document->bytes, document->length) == 0) bundle_mark_answer_complete();
    }
    _exit(crash_exit_code);
}

int bundle_crash_guard_installed(void) {
    return atomic_load(&crash_document) != NULL;
}

static void set_crash_document(const char *document, size_t length) {
    struct answer_copy *copy = make_copy(document, length);
    if (copy == NULL) return;
    struct answer_copy *previous = atomic_exchange(&crash_document, copy);
    free(atomic_exchange(&crash_retired, previous));
}

void bundle_install_crash_guard(const char *document, size_t length, int exit_code) {
    set_crash_document(document, length);
    crash_exit_code = exit_code;

    // An alternate stack lets the handler run after a stack overflow.
    static char alternate_stack[65536];
    stack_t stack = {.ss_sp = alternate_stack, .ss_size = sizeof alternate_stack, .ss_flags = 0};
    sigaltstack(&stack, NULL);

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_crash;
    action.sa_flags = SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    const int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT};
    sigset_t unblock;
    sigemptyset(&unblock);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &action, NULL);
        sigaddset(&unblock, signals[i]);
    }
    // A parent may start us with signals blocked (the mask is inherited through exec).
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
}

void bundle_emit_and_exit(const char *document, size_t length, int exit_code) {
    if (bundle_claim_stdout()) {
        if (bundle_write_all(STDOUT_FILENO, document, length) == 0) bundle_mark_answer_complete();
    }
    _exit(exit_code);
}

/// The deadline's answer and log line, one allocation swapped in as one pointer.
struct deadline_answer {
    struct answer_copy *document;
    struct answer_copy *log;
};
static _Atomic(struct deadline_answer *) deadline_answer = NULL;
static _Atomic(struct deadline_answer *) deadline_retired = NULL;
static int deadline_exit_code = 75;

static void on_deadline(int signal_number) {
    (void)signal_number;
    // Disarmed (a warm worker between requests), or too late: the answer is being written; let
    // the normal path finish.
    struct deadline_answer *answer = atomic_load(&deadline_answer);
    if (answer == NULL || answer->document == NULL || !bundle_claim_stdout()) return;
    if (answer->log != NULL) bundle_write_all(STDERR_FILENO, answer->log->bytes, answer->log->length);
    if (bundle_write_all(STDOUT_FILENO, answer->document->bytes, answer->document->length) == 0) bundle_mark_answer_complete();
    _exit(deadline_exit_code);
}

static void retire_deadline(struct deadline_answer *answer) {
    // Freed one swap later: a handler that loaded the pointer just before the swap may read it.
    struct deadline_answer *old = atomic_exchange(&deadline_retired, answer);
    if (old != NULL) {
        free(old->document);
        free(old->log);
        free(old);
    }
}

void bundle_disarm_deadline(void) {
    struct itimerval timer;
    memset(&timer, 0, sizeof timer);
    setitimer(ITIMER_REAL, &timer, NULL);
    struct deadline_answer *previous = atomic_exchange(&deadline_answer, NULL);
    if (previous != NULL) retire_deadline(previous);
}

void bundle_arm_deadline(double seconds, const char *document, size_t length, const char *log_line,
                         size_t log_length, int exit_code) {
    struct deadline_answer *answer = malloc(sizeof(struct deadline_answer));
    if (answer == NULL) return;
    answer->document = make_copy(document, length);
    answer->log = make_copy(log_line, log_length);
    deadline_exit_code = exit_code;
    struct deadline_answer *previous = atomic_exchange(&deadline_answer, answer);
    if (previous != NULL) retire_deadline(previous);

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_deadline;
    action.sa_flags = SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
    // The mask is inherited through exec, and a parent (a test runner's worker thread, a
    // supervisor) may have SIGALRM blocked; this thread must be able to take it.
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGALRM);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);

    if (seconds < 0.001) seconds = 0.001;
    struct itimerval timer;
    memset(&timer, 0, sizeof timer);
    timer.it_value.tv_sec = (time_t)seconds;
    timer.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
    setitimer(ITIMER_REAL, &timer, NULL);
}

#include <fcntl.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/mman.h>
#include <sys/syscall.h>

int bundle_memfd(const char *name) {
    return (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC);
}

int bundle_pidfd_open(int pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int bundle_spawn(int *pid, const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                 const char *directory) {
    // vfork + exec rather than posix_spawn, which has no way to set PR_SET_PDEATHSIG: a child must
    // die with the process that runs it (a worker killed with -9 must not leave its jobs running,
    // unrecorded, to be run again by the next worker). vfork, like glibc's posix_spawn, borrows
    // the parent's memory until exec, so it costs what posix_spawn costs (fork copied the page
    // tables: +0.4 ms a child at 8 MiB resident, +3 ms at 64 MiB). Until exec the child makes only
    // system calls, and reports a failure through `failure`, which it shares with the parent.
    volatile int failure = 0;
    pid_t parent = getpid();
    // No signal handler of ours may run in the child before it resets them (it shares our memory).
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t child = vfork();
    if (child == 0) {
        // A fresh signal state: the parent may ignore or handle signals (SIGPIPE, SIGALRM, the
        // crash guard's) that the child's runtime relies on. The handler table is the child's own.
        struct sigaction defaults;
        memset(&defaults, 0, sizeof defaults);
        defaults.sa_handler = SIG_DFL;
        sigemptyset(&defaults.sa_mask);
        for (int number = 1; number < NSIG; number++) {
            if (number != SIGKILL && number != SIGSTOP) sigaction(number, &defaults, NULL);
        }
        int error = 0;
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) error = errno;
        // The parent may have died before prctl: then nothing would ever send the signal.
        if (error == 0 && getppid() != parent) _exit(127);
        if (error == 0 && setpgid(0, 0) != 0) error = errno;
        if (error == 0 && stdin_fd != STDIN_FILENO && dup2(stdin_fd, STDIN_FILENO) < 0) error = errno;
        if (error == 0 && stdout_fd != STDOUT_FILENO && dup2(stdout_fd, STDOUT_FILENO) < 0) error = errno;
        if (error == 0 && directory != NULL && chdir(directory) != 0) error = errno;
        if (error == 0) {
            sigset_t empty;
            sigemptyset(&empty);
            sigprocmask(SIG_SETMASK, &empty, NULL);
            execve(path, argv, envp);
            error = errno;
        }
        failure = error != 0 ? error : EINVAL;
        _exit(127);
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (child < 0) return saved;
    if (failure != 0) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        return failure;
    }
    *pid = child;
    return 0;
}

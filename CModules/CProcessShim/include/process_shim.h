#ifndef BUNDLE_PROCESS_SHIM_H
#define BUNDLE_PROCESS_SHIM_H

#include <stddef.h>

/// Claims the right to write the process's one stdout document. Exactly one caller in the
/// process's life gets 1: the normal output path, the deadline watchdog or the crash guard.
/// (A warm worker releases the claim after each request: bundle_release_stdout.)
int bundle_claim_stdout(void);

/// Records that the whole answer went out (the crash guard and the watchdog do it themselves).
void bundle_mark_answer_complete(void);

/// A warm worker, after a request: the next request's answer can be claimed again.
void bundle_release_stdout(void);

/// Points the claim and the completion flag at memory the warm worker shares with its master
/// (its scoreboard slot), so the master knows whether an answer started or finished when the
/// worker dies. NULL restores the process's own flags.
void bundle_attach_answer(long long *claim, long long *complete);

/// Whether the crash guard is installed (a warm worker has none: its master answers for it).
int bundle_crash_guard_installed(void);

/// Writes every byte to the file descriptor, retrying partial writes and EINTR.
/// Async-signal-safe. Returns 0 on success, -1 on error.
int bundle_write_all(int fd, const void *bytes, size_t length);

/// Installs handlers for crash signals (SEGV, BUS, ILL, TRAP, FPE, ABRT). If the process
/// crashes before it has claimed stdout, the handler writes `document` (copied here) to
/// stdout and exits with `exit_code`, so a crash never leaves stdout empty or half-written.
void bundle_install_crash_guard(const char *document, size_t length, int exit_code);

/// Sets the JSON fields (without braces: `"level":"error","fn":…`) of the log line the crash
/// handler writes to stderr, after a timestamp and the signal, before it writes the crash
/// document. Call again when the request id changes.
void bundle_set_crash_log(const char *fields, size_t length);

/// Writes `length` bytes to stdout if stdout can still be claimed, then _exit(exit_code)
/// without running atexit handlers.
void bundle_emit_and_exit(const char *document, size_t length, int exit_code);

/// Arms a one-shot timer (SIGALRM after `seconds`). When it fires, the handler writes `log_line`
/// to stderr and `document` to stdout (if stdout can still be claimed) and exits with
/// `exit_code`. No thread is started, which keeps process start cheap; the handler is
/// async-signal-safe, so it works even when the process is stuck in blocking work.
void bundle_arm_deadline(double seconds, const char *document, size_t length, const char *log_line,
                         size_t log_length, int exit_code);

/// Stops the deadline timer (the normal path has claimed stdout); a signal still on its way
/// afterwards does nothing. A warm worker arms and disarms it once per request.
void bundle_disarm_deadline(void);

/// An anonymous in-memory file (memfd_create), close-on-exec: a child's stdin or stdout without
/// pipes, so neither side can block on a full pipe. Returns -1 on error.
int bundle_memfd(const char *name);

/// A descriptor that becomes readable when the process exits (pidfd_open, Linux 5.3+), or -1
/// where the kernel has none (the caller then polls waitpid).
int bundle_pidfd_open(int pid);

/// Starts a program with the child's stdin and stdout on the given descriptors, stderr inherited,
/// the working directory changed when `directory` is not NULL, the child in a new process group
/// so a deadline can end it with everything it started, and killed (SIGKILL) when the calling
/// thread's process dies (PR_SET_PDEATHSIG; the parent is the calling *thread*, so spawn and wait
/// from one thread that outlives the child). Returns 0 or an errno value.
int bundle_spawn(int *pid, const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                 const char *directory);

#endif

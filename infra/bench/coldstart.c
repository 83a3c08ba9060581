// Cold-start timer for infra/dev bench: runs each command in turn, round after round (so drift in
// machine load hits every command alike), with stdin and stdout on /dev/null, and prints the
// p50/p90/p99 wall time of each in milliseconds, one line per command:
//   coldstart ROUNDS WARMUP cmd1 [cmd2 ...]     (each cmd is one path, no arguments)
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double run_once(const char *path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)path, NULL};
    pid_t pid;
    double started = now_ms();
    if (posix_spawn(&pid, path, &actions, NULL, argv, environ) != 0) {
        perror(path);
        exit(1);
    }
    int status;
    waitpid(pid, &status, 0);
    double elapsed = now_ms() - started;
    posix_spawn_file_actions_destroy(&actions);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s failed (status %d)\n", path, status);
        exit(1);
    }
    return elapsed;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: coldstart ROUNDS WARMUP cmd...\n");
        return 64;
    }
    int rounds = atoi(argv[1]), warmup = atoi(argv[2]), commands = argc - 3;
    double *times = calloc((size_t)rounds * commands, sizeof(double));
    for (int round = 0; round < warmup; round++)
        for (int c = 0; c < commands; c++) run_once(argv[3 + c]);
    for (int round = 0; round < rounds; round++)
        for (int c = 0; c < commands; c++) times[c * rounds + round] = run_once(argv[3 + c]);
    for (int c = 0; c < commands; c++) {
        double *own = times + c * rounds;
        qsort(own, rounds, sizeof(double), compare);
        printf("%s %.3f %.3f %.3f\n", argv[3 + c], own[rounds / 2], own[rounds * 9 / 10], own[rounds * 99 / 100]);
    }
    return 0;
}

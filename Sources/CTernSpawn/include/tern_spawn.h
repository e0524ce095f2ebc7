#ifndef TERN_SPAWN_H
#define TERN_SPAWN_H

#include <sys/types.h>

/// Starts `file` (searched in PATH when it has no '/') with `argv` and `envp` (both
/// NULL-terminated; `envp` NULL: this process's environment), standard input from /dev/null,
/// standard output to `output` and standard error to `error`, and every other descriptor of
/// this process closed in the child (glibc's posix_spawn with close-from). Stores the child's
/// PID in `pid`; returns 0, or the error number.
int tern_spawn(const char *file, char *const argv[], char *const envp[], int output, int error, pid_t *pid);

#endif

// posix_spawn_file_actions_addclosefrom_np is a GNU extension (glibc 2.34), which Swift's
// Glibc module does not show.
#define _GNU_SOURCE
#include "tern_spawn.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

extern char **environ;

int tern_spawn(const char *file, char *const argv[], char *const envp[], int output, int error, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    int failure = posix_spawn_file_actions_init(&actions);
    if (failure != 0) return failure;
    if ((failure = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)) == 0 &&
        (failure = posix_spawn_file_actions_adddup2(&actions, output, 1)) == 0 &&
        (failure = posix_spawn_file_actions_adddup2(&actions, error, 2)) == 0 &&
        (failure = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0) {
        failure = posix_spawnp(pid, file, &actions, NULL, argv, envp != NULL ? envp : environ);
    }
    posix_spawn_file_actions_destroy(&actions);
    return failure;
}

/* SPDX-License-Identifier: MIT */
/*
 * The subcommands of the `canring` program. Each lives in its own tools/cmd_<name>.c and is an
 * ordinary user of the public API (the `run` command is the exception: it is the service).
 * Every command returns the process exit status: 0 success, 1 runtime failure, 2 usage error.
 */
#ifndef CANRING_TOOLS_COMMANDS_H
#define CANRING_TOOLS_COMMANDS_H

struct canring_command {
        const char *name;    /* first word on the command line */
        const char *summary; /* one line for `canring help` */
        int (*main)(int argc, char **argv);
};

/* Subcommand entry points, one per tools/cmd_<name>.c. */
int cmd_run(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_periodic(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_if(int argc, char **argv);
int cmd_filter(int argc, char **argv);

/* Terminated by an entry whose name is NULL. */
extern const struct canring_command canring_commands[];

#endif

/* SPDX-License-Identifier: MIT */
/* `canring SUBCOMMAND ...`: finds the subcommand and hands it the rest of the command line. */
#include <stdio.h>
#include <string.h>

#include "canring/version.h"
#include "commands.h"

static int cmd_version(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        printf("canring %s (libcanring %s)\n", CANRING_VERSION, canring_version());
        return 0;
}

static void print_usage(FILE *out)
{
        fprintf(out, "usage: canring COMMAND [ARGS...]\n\ncommands:\n");
        for (const struct canring_command *c = canring_commands; c->name; c++)
                fprintf(out, "  %-10s %s\n", c->name, c->summary);
        fprintf(out, "\n`canring COMMAND --help` describes one command.\n");
}

static int cmd_help(int argc, char **argv)
{
        (void)argc;
        (void)argv;
        print_usage(stdout);
        return 0;
}

const struct canring_command canring_commands[] = {
    {"run", "the receive service: CAN interfaces -> shared-memory rings", cmd_run},
    {"dump", "print the stream as candump does", cmd_dump},
    {"log", "write the stream to .log or pcap files", cmd_log},
    {"stat", "per-channel rates, bus load, errors, drops", cmd_stat},
    {"send", "send frames (cansend syntax)", cmd_send},
    {"periodic", "periodic transmit tasks (kernel broadcast manager)", cmd_periodic},
    {"filter", "change a running channel's kernel filters", cmd_filter},
    {"gen", "load generator (cangen options, io_uring batches)", cmd_gen},
    {"replay", "replay candump .log files (canplayer options)", cmd_replay},
    {"if", "list, show and configure CAN interfaces", cmd_if},
    {"help", "list the commands", cmd_help},
    {"version", "print the version", cmd_version},
    {NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
        if (argc < 2) {
                print_usage(stderr);
                return 2;
        }
        for (const struct canring_command *c = canring_commands; c->name; c++)
                if (strcmp(c->name, argv[1]) == 0)
                        return c->main(argc - 1, argv + 1);
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
                return cmd_help(argc - 1, argv + 1);
        fprintf(stderr, "canring: unknown command '%s' (try `canring help`)\n", argv[1]);
        return 2;
}

/* SPDX-License-Identifier: MIT */
/* `canring_tooltest dump|log|stat ARGS...`: the three consumer tools without the rest of the CLI.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

const struct canring_command canring_commands[] = {
    {"dump", "candump output from the ring", cmd_dump},
    {"log", "write the ring to files", cmd_log},
    {"stat", "per-channel statistics", cmd_stat},
    {NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
        for (const struct canring_command *c = canring_commands; argc > 1 && c->name; c++)
                if (strcmp(c->name, argv[1]) == 0)
                        return c->main(argc - 1, argv + 1);
        fprintf(stderr, "usage: %s dump|log|stat ARGS...\n", argv[0]);
        return 2;
}

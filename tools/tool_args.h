/* SPDX-License-Identifier: MIT */
/* Option parsing shared by the commands that take nothing but --segment NAME and --help. */
#ifndef CANRING_TOOLS_TOOL_ARGS_H
#define CANRING_TOOLS_TOOL_ARGS_H

#include <stdio.h>

/*
 * Parses --segment NAME (-s) and --help (-h) up to the first non-option; optind is left at it.
 * Returns -1 to go on, or the exit status to return at once (0 after --help, 2 on a bad option;
 * USAGE has printed itself to stdout or stderr).
 */
int tool_segment_args(int argc, char **argv, const char **segment, void (*usage)(FILE *out));

#endif

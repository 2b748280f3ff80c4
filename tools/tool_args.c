/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stddef.h>

#include "tool_args.h"

int tool_segment_args(int argc, char **argv, const char **segment, void (*usage)(FILE *out))
{
        static const struct option opts[] = {
            {"segment", required_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        int c;

        optind = 1;
        while ((c = getopt_long(argc, argv, "+s:h", opts, NULL)) != -1) {
                if (c == 's') {
                        *segment = optarg;
                } else if (c == 'h') {
                        usage(stdout);
                        return 0;
                } else {
                        usage(stderr);
                        return 2;
                }
        }
        return -1;
}

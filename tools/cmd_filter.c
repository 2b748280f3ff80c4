/* SPDX-License-Identifier: MIT */
/*
 * `canring filter [--segment NAME] IF [FILTERS]`: replaces the kernel filters of a running
 * service's channel, without a restart. FILTERS is the filter part of candump's channel syntax
 * ("123:7FF,400~700,#FFFFFFFF,j"); none given receives every data frame and no error frames.
 */
#include <stdio.h>
#include <unistd.h> /* optind */
#include <string.h>

#include "canring/control.h"
#include "canring/text.h"
#include "commands.h"
#include "tool_args.h"

static void usage(FILE *out)
{
        fprintf(out,
                "usage: canring filter [--segment NAME] IF [FILTERS]\n"
                "  Replaces the kernel filters of channel IF of the running service (segment\n"
                "  'canring' or NAME). FILTERS is candump's syntax: ID:MASK, ID~MASK (inverted),\n"
                "  #ERRMASK (error frames), j (join: every filter must match), comma-separated.\n"
                "  Without FILTERS the channel receives every data frame and no error frame.\n");
}

int cmd_filter(int argc, char **argv)
{
        static struct canring_channel_spec spec; /* large: 512 filters */
        const char *segment = NULL;
        char err[CANRING_CONTROL_TEXT + 64];
        struct canring_control *ctl;
        int c = tool_segment_args(argc, argv, &segment, usage);

        if (c >= 0)
                return c;
        if (argc - optind < 1 || argc - optind > 2) {
                usage(stderr);
                return 2;
        }
        const char *ifname = argv[optind];
        const char *text = argc - optind == 2 ? argv[optind + 1] : "";

        memset(&spec, 0, sizeof(spec));
        if (canring_filter_list_parse(text, &spec, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring filter: bad filters '%s': %s\n", text, err);
                return 2;
        }
        if (canring_control_open(&ctl, segment, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring filter: %s\n", err);
                return 1;
        }
        int rc = canring_control_set_filters(ctl, ifname, spec.filters, spec.nfilters, spec.join,
                                             spec.err_mask, err, sizeof(err));
        canring_control_close(ctl);
        if (rc < 0) {
                fprintf(stderr, "canring filter: %s\n", err);
                return 1;
        }
        return 0;
}

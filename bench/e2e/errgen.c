/* SPDX-License-Identifier: MIT */
/*
 * e2e-errgen: error frames for the benchmark's mixed traffic (cangen cannot make them). Sends
 * COUNT error frames (CAN_ERR_FLAG | CAN_ERR_CRTL, controller "rx warning") on each interface,
 * round-robin, sleeping GAP_US microseconds after each round (0: full blast). On vcan the frames
 * loop back to every receiver that asked for error frames, as a controller's would.
 *
 *   e2e-errgen [--gap-us US] COUNT IF...
 *
 * Prints the frames sent per interface on stderr; exit 1 if any send failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_IFS 512

int main(int argc, char **argv)
{
        static int socks[MAX_IFS];
        unsigned long gap_us = 0, count;
        int a = 1, nif = 0;

        if (argc > 2 && strcmp(argv[1], "--gap-us") == 0) {
                gap_us = strtoul(argv[2], NULL, 0);
                a = 3;
        }
        if (argc - a < 2 || argc - a - 1 > MAX_IFS) {
                fprintf(stderr, "usage: e2e-errgen [--gap-us US] COUNT IF...\n");
                return 2;
        }
        count = strtoul(argv[a++], NULL, 0);
        for (; a < argc; a++, nif++) {
                struct sockaddr_can addr = {.can_family = AF_CAN};

                socks[nif] = socket(PF_CAN, SOCK_RAW, CAN_RAW);
                if (socks[nif] < 0) {
                        perror("e2e-errgen: socket");
                        return 1;
                }
                addr.can_ifindex = (int)if_nametoindex(argv[a]);
                /* A sender only: no receive filter, so its queue never fills. */
                if (!addr.can_ifindex ||
                    setsockopt(socks[nif], SOL_CAN_RAW, CAN_RAW_FILTER, NULL, 0) < 0 ||
                    bind(socks[nif], (struct sockaddr *)&addr, sizeof(addr)) < 0) {
                        fprintf(stderr, "e2e-errgen: %s: %s\n", argv[a], strerror(errno));
                        return 1;
                }
        }
        for (unsigned long i = 0; i < count; i++) {
                struct can_frame f = {.can_id = CAN_ERR_FLAG | CAN_ERR_CRTL, .len = CAN_ERR_DLC};

                f.data[1] = CAN_ERR_CRTL_RX_WARNING;
                memcpy(&f.data[4], &i, 4); /* a counter, for eyes reading a dump */
                for (int k = 0; k < nif; k++) {
                        if (write(socks[k], &f, sizeof(f)) != (ssize_t)sizeof(f)) {
                                fprintf(stderr, "e2e-errgen: frame %lu: %s\n", i, strerror(errno));
                                return 1;
                        }
                }
                if (gap_us) {
                        struct timespec ts = {(time_t)(gap_us / 1000000),
                                              (long)(gap_us % 1000000) * 1000};

                        nanosleep(&ts, NULL);
                }
        }
        fprintf(stderr, "e2e-errgen: %lu error frames on each of %d interfaces\n", count, nif);
        return 0;
}

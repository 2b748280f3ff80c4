/* SPDX-License-Identifier: MIT */
/*
 * `canring send [--timeout MS] [--fd] [--service|--segment NAME] IF FRAME...`: sends frames in
 * cansend syntax on a CAN_RAW socket of its own, or through a running service's control socket
 * (then on the service's own socket of that channel). Every frame is parsed and checked before
 * the first one goes out, so bad input sends nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canring/control.h"
#include "canring/text.h"
#include "canring/tx.h"
#include "commands.h"

static void usage(FILE *out)
{
        fprintf(out,
                "usage: canring send [--timeout MS] [--fd] [--service | --segment NAME] IF "
                "FRAME...\n"
                "  Sends each FRAME on interface IF, in order. FRAME is cansend syntax:\n"
                "    123#DEADBEEF  12345678#00  123#R  123##1AABBCC (CAN FD, flags nibble first)\n"
                "  --timeout MS  wait up to MS per frame while the interface queue is full\n"
                "                (default 1000; 0: fail at once; -1: wait forever)\n"
                "  --fd          require a CAN FD interface even for classic frames\n"
                "  --service     send through the running service (segment 'canring') on its\n"
                "                own socket of channel IF (with `run --own` it receives them)\n"
                "  --segment N   send through the service of segment N\n");
}

/* Parses a whole decimal int in [MIN, MAX]; returns false on junk. */
static bool parse_int(const char *s, long min, long max, long *out)
{
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max)
                return false;
        *out = v;
        return true;
}

/* The frames through the service's control socket; TEXTS are the frames as given, for messages. */
static int send_via_service(const char *segment, const char *ifname,
                            const struct canfd_frame *frames, const size_t *mtus, size_t n,
                            int timeout, char **texts)
{
        struct canring_control *ctl;
        char err[CANRING_CONTROL_TEXT + 64];
        size_t sent = 0;
        int ret = canring_control_open(&ctl, segment, err, sizeof(err));

        if (ret < 0) {
                fprintf(stderr, "canring send: %s\n", err);
                return 1;
        }
        ret = canring_control_send(ctl, ifname, frames, mtus, n, timeout, &sent, err, sizeof(err));
        canring_control_close(ctl);
        if (ret < 0) {
                if (sent < n)
                        fprintf(stderr, "canring send: %s; %zu of %zu sent (first unsent '%s')\n",
                                err, sent, n, texts[sent]);
                else
                        fprintf(stderr, "canring send: %s\n", err);
                return 1;
        }
        return 0;
}

int cmd_send(int argc, char **argv)
{
        static const struct option opts[] = {
            {"timeout", required_argument, NULL, 't'}, {"fd", no_argument, NULL, 'f'},
            {"service", no_argument, NULL, 'S'},       {"segment", required_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
        };
        long timeout = 1000;
        unsigned flags = CANRING_TX_FD_AUTO;
        const char *segment = NULL;
        bool service = false;
        int c;

        optind = 1;
        while ((c = getopt_long(argc, argv, "+t:fh", opts, NULL)) != -1) {
                switch (c) {
                case 't':
                        if (!parse_int(optarg, -1, 24 * 3600 * 1000L, &timeout)) {
                                fprintf(stderr,
                                        "canring send: bad --timeout '%s' (ms, -1 or more)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'f':
                        flags = CANRING_TX_FD;
                        break;
                case 's':
                        segment = optarg;
                        /* fall through */
                case 'S':
                        service = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (argc - optind < 2) {
                fprintf(stderr, "canring send: need an interface and at least one frame\n");
                usage(stderr);
                return 2;
        }
        const char *ifname = argv[optind++];
        size_t n = (size_t)(argc - optind);
        struct canfd_frame *frames = calloc(n, sizeof(*frames));
        size_t *mtus = calloc(n, sizeof(*mtus));
        char err[256];
        int rc = 1;
        struct canring_tx tx = {.fd = -1};

        if (!frames || !mtus) {
                fprintf(stderr, "canring send: out of memory\n");
                goto out;
        }
        bool any_fd = false;
        for (size_t i = 0; i < n; i++) {
                if (canring_frame_parse(argv[optind + i], &frames[i], &mtus[i], err, sizeof(err)) <
                    0) {
                        fprintf(stderr, "canring send: bad frame '%s': %s\n", argv[optind + i],
                                err);
                        rc = 2;
                        goto out;
                }
                any_fd |= mtus[i] == CANFD_MTU;
        }
        if (service) {
                rc =
                    send_via_service(segment, ifname, frames, mtus, n, (int)timeout, argv + optind);
                goto out;
        }
        if (canring_tx_open(&tx, ifname, flags, err, sizeof(err)) < 0) {
                fprintf(stderr, "canring send: %s\n", err);
                goto out;
        }
        if (any_fd && !tx.fd_frames) {
                fprintf(stderr,
                        "canring send: %s is a classic CAN interface (MTU %u): it cannot send CAN "
                        "FD frames; nothing was sent\n",
                        ifname, tx.if_mtu);
                goto out;
        }
        size_t sent = 0;
        int ret = canring_tx_send_many(&tx, frames, mtus, n, (int)timeout, &sent);
        if (ret < 0) {
                fprintf(stderr, "canring send: %s: frame %zu ('%s'): %s; %zu of %zu sent\n", ifname,
                        sent + 1, argv[optind + sent],
                        ret == -ETIMEDOUT ? "interface queue still full after the timeout"
                                          : strerror(-ret),
                        sent, n);
                goto out;
        }
        rc = 0;
out:
        canring_tx_close(&tx);
        free(frames);
        free(mtus);
        return rc;
}

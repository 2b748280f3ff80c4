/* SPDX-License-Identifier: MIT */
/*
 * What `canring run` is asked to do: channels in candump's syntax plus service options, from the
 * command line and/or a config file (docs/cli.md, "canring run"). Parsing only: nothing is opened.
 */
#ifndef CANRING_SERVICE_CONFIG_H
#define CANRING_SERVICE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canring/shm.h"
#include "canring/text.h"

#define CANRING_SERVICE_MAX_CHANNELS 256 /* channels one service serves */
#define CANRING_SERVICE_MAX_THREADS  16  /* engine threads (one ring each) */

struct canring_service_config {
        char segment[CANRING_NAME_MAX + 1]; /* shared-memory segment name */
        uint32_t ring_size;                 /* bytes of data per ring, power of two */
        uint32_t threads;                   /* engine threads; channels are sharded round-robin */
        int cpus[CANRING_SERVICE_MAX_THREADS]; /* thread i runs on cpus[i] when i < ncpus */
        unsigned ncpus;
        uint32_t max_consumers; /* consumer slots in the segment */
        bool fd;                /* CAN FD frames (CAN_RAW_FD_FRAMES) on every channel */
        bool own;               /* receive own messages (CAN_RAW_RECV_OWN_MSGS) */
        bool hw_timestamps;     /* ask drivers for hardware receive timestamps */
        uint32_t rcvbuf;        /* socket receive buffer in bytes (default 8 MiB) */
        bool quiet;             /* no start-up report on stderr */
        uint32_t coalesce_us;   /* engine completion coalescing while frames flow, us; 0 = off */
        uint32_t control_mode;  /* control socket permissions (default 0660) */
        int64_t control_gid;    /* control socket group; -1 = the service's */
        unsigned nchannels;
        struct canring_channel_spec channels[CANRING_SERVICE_MAX_CHANNELS];
};

/* Fills CFG with the defaults (segment "canring", 4 MiB ring, 1 thread, 64 consumers,
 * 8 MiB socket receive buffers). */
void canring_service_config_init(struct canring_service_config *cfg);

/*
 * Parses `canring run` arguments (ARGV[0] is "run"): options and channel specs. A --config FILE is
 * read where it appears, so later options override it. Returns 0; -EINVAL with a message in ERR
 * (naming the option, line or channel at fault); 1 when --help was asked (usage not printed here).
 */
int canring_service_config_parse_args(struct canring_service_config *cfg, int argc, char **argv,
                                      char *err, size_t errlen);

/* Reads a config file: `key = value` lines (keys are the long option names), `channel = SPEC`. */
int canring_service_config_load(struct canring_service_config *cfg, const char *path, char *err,
                                size_t errlen);

/* Parses a byte size "65536", "64K", "4M", "1G" (powers of 1024). Returns 0 or -EINVAL. */
int canring_parse_size(const char *text, uint64_t *out);

/* The usage text of `canring run`. */
extern const char canring_service_usage[];

#endif

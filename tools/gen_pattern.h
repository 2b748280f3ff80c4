/* SPDX-License-Identifier: MIT */
/*
 * The frame patterns of `canring gen`: cangen's id, length and data generation modes, as a pure
 * generator with no I/O (unit-tested in tests/unit/test_gen_pattern.c).
 *
 * With -I i -D i the sequence is exactly cangen's (can-utils): the first frame has id 0, the id
 * grows by one per frame and wraps at the id width (11 or 29 bits); the first 8 data bytes are
 * the little-endian frame counter (0 for the first frame), a length of 0 becomes 1 so that the
 * counter is visible, and bytes past the length are zero. tests/integration/canring_check.c
 * verifies received traffic against this rule.
 *
 * Random values come from a private generator (splitmix64) seeded per generator, not from
 * random(): several interfaces each get their own reproducible stream (--seed).
 */
#ifndef CANRING_TOOLS_GEN_PATTERN_H
#define CANRING_TOOLS_GEN_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/can.h>

enum gen_mode {
        GEN_RANDOM = 0, /* 'r': a new random value per frame (cangen's default) */
        GEN_INCREMENT,  /* 'i': id + 1, length code + 1, or the data counter per frame */
        GEN_FIXED,      /* a value given on the command line */
};

struct gen_config {
        enum gen_mode id_mode, len_mode, data_mode;
        canid_t id;  /* GEN_FIXED id: <= 0x7FF, or <= 0x1FFFFFFF with extended */
        uint8_t len; /* GEN_FIXED length in bytes (classic 0..8, 9..15 with len8_dlc; FD 0..64) */
        uint8_t data[CANFD_MAX_DLEN];  /* GEN_FIXED data; bytes past the length are not sent */
        uint8_t dmask[CANFD_MAX_DLEN]; /* GEN_FIXED data: bits that are random ('x' nibbles) */
        bool extended;                 /* -e: 29-bit ids */
        bool fd;                       /* -f (also implied by -b, -E, -m): CAN FD frames */
        bool brs;                      /* -b: CAN FD bit rate switch */
        bool esi;                      /* -E: CAN FD error state indicator */
        bool rtr;                      /* -R: remote frames (classic only) */
        bool len8_dlc;                 /* -8: classic 8-byte frames may carry a raw DLC 9..15 */
        bool mix;      /* -m: each frame after the first picks EFF/FD/BRS/ESI/RTR at random */
        uint64_t seed; /* random stream seed */
};

struct gen_state {
        struct gen_config cfg;
        canid_t id;       /* next id before masking (GEN_INCREMENT counts here) */
        uint8_t len;      /* current length, persistent as in cangen */
        uint8_t len8;     /* current raw DLC 9..15 for classic 8-byte frames, else 0 */
        unsigned incdlc;  /* GEN_INCREMENT length code */
        uint64_t counter; /* frames generated so far: the data counter of GEN_INCREMENT */
        uint64_t rng;     /* splitmix64 state */
        bool extended, fd, brs, esi, rtr; /* kind of the next frame (changes with mix) */
};

/*
 * Parses a cangen mode argument for -I ('I'), -L ('L') or -D ('D') into CFG: "r", "i", or a
 * fixed value (-I hex id, -L decimal length, -D hex bytes, 'x' nibbles random). Returns 0, or
 * -EINVAL with the reason in ERR.
 */
int gen_mode_parse(struct gen_config *cfg, int which, const char *arg, char *err, size_t errlen);

/*
 * Checks the whole configuration (fixed id against the id width, length against the frame kind,
 * RTR/len8_dlc only for classic frames) and normalises it as cangen does (an FD length rounds up
 * to the next valid FD length). Returns 0 or -EINVAL with the reason in ERR.
 */
int gen_config_check(struct gen_config *cfg, char *err, size_t errlen);

/* Starts a generator for a checked configuration. */
void gen_init(struct gen_state *st, const struct gen_config *cfg);

/* The next frame: fills FRAME completely (no stale bytes) and sets *MTU (CAN_MTU or CANFD_MTU). */
void gen_next(struct gen_state *st, struct canfd_frame *frame, size_t *mtu);

#endif

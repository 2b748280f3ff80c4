/* SPDX-License-Identifier: MIT */
/* cangen's frame generation modes for `canring gen` (see gen_pattern.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canring/text.h"
#include "gen_pattern.h"

static int gen_err(char *err, size_t errlen, const char *fmt, ...)
{
        if (err && errlen) {
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(err, errlen, fmt, ap);
                va_end(ap);
        }
        return -EINVAL;
}

static int hex_nibble(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static int parse_id(struct gen_config *cfg, const char *arg, char *err, size_t errlen)
{
        size_t n = strlen(arg);
        uint32_t v = 0;

        if (n == 0 || n > 8)
                return gen_err(err, errlen, "bad -I '%s': 'r', 'i' or a hex id of 1..8 digits",
                               arg);
        for (size_t i = 0; i < n; i++) {
                int d = hex_nibble(arg[i]);
                if (d < 0)
                        return gen_err(err, errlen,
                                       "bad -I '%s': 'r', 'i' or a hex id (no '%c' in hex)", arg,
                                       arg[i]);
                v = v << 4 | (uint32_t)d;
        }
        if (v > CAN_EFF_MASK)
                return gen_err(err, errlen, "bad -I '%s': ids have at most 29 bits (1FFFFFFF)",
                               arg);
        cfg->id_mode = GEN_FIXED;
        cfg->id = v;
        return 0;
}

static int parse_len(struct gen_config *cfg, const char *arg, char *err, size_t errlen)
{
        char *end;
        errno = 0;
        long v = strtol(arg, &end, 10);
        if (errno || end == arg || *end || v < 0 || v > CANFD_MAX_DLEN)
                return gen_err(err, errlen,
                               "bad -L '%s': 'r', 'i' or a length in bytes (0..8, up to 64 "
                               "with -f)",
                               arg);
        cfg->len_mode = GEN_FIXED;
        cfg->len = (uint8_t)v;
        return 0;
}

static int parse_data(struct gen_config *cfg, const char *arg, char *err, size_t errlen)
{
        size_t n = strlen(arg);

        if (n == 0 || n % 2 || n > 2 * CANFD_MAX_DLEN)
                return gen_err(err, errlen,
                               "bad -D '%s': 'r', 'i' or hex bytes (an even number of digits, "
                               "at most 64 bytes; 'x' for a random nibble)",
                               arg);
        memset(cfg->data, 0, sizeof(cfg->data));
        memset(cfg->dmask, 0, sizeof(cfg->dmask));
        for (size_t i = 0; i < n; i++) {
                unsigned shift = i % 2 ? 0 : 4;
                if (arg[i] == 'x' || arg[i] == 'X') {
                        cfg->dmask[i / 2] |= (uint8_t)(0xF << shift);
                        continue;
                }
                int d = hex_nibble(arg[i]);
                if (d < 0)
                        return gen_err(err, errlen, "bad -D '%s': '%c' is not a hex digit or 'x'",
                                       arg, arg[i]);
                cfg->data[i / 2] |= (uint8_t)(d << shift);
        }
        cfg->data_mode = GEN_FIXED;
        return 0;
}

int gen_mode_parse(struct gen_config *cfg, int which, const char *arg, char *err, size_t errlen)
{
        enum gen_mode mode;

        if (strcmp(arg, "r") == 0)
                mode = GEN_RANDOM;
        else if (strcmp(arg, "i") == 0)
                mode = GEN_INCREMENT;
        else if (which == 'I')
                return parse_id(cfg, arg, err, errlen);
        else if (which == 'L')
                return parse_len(cfg, arg, err, errlen);
        else if (which == 'D')
                return parse_data(cfg, arg, err, errlen);
        else
                return gen_err(err, errlen, "unknown generation mode option '%c'", which);
        if (which == 'I')
                cfg->id_mode = mode;
        else if (which == 'L')
                cfg->len_mode = mode;
        else if (which == 'D')
                cfg->data_mode = mode;
        else
                return gen_err(err, errlen, "unknown generation mode option '%c'", which);
        return 0;
}

int gen_config_check(struct gen_config *cfg, char *err, size_t errlen)
{
        /* As in cangen, -b, -E and -m switch the socket to CAN FD. */
        if (cfg->brs || cfg->esi || cfg->mix)
                cfg->fd = true;
        if (cfg->id_mode == GEN_FIXED && !cfg->extended && cfg->id > CAN_SFF_MASK)
                return gen_err(err, errlen,
                               "-I %X is greater than 7FF: give -e for extended (29-bit) ids",
                               cfg->id);
        if (cfg->rtr && cfg->fd && !cfg->mix)
                return gen_err(err, errlen,
                               "-R: remote frames are classic CAN only (not with "
                               "-f, -b or -E)");
        if (cfg->len8_dlc && cfg->fd && !cfg->mix)
                return gen_err(err, errlen,
                               "-8: raw DLCs 9..15 are classic CAN only (not with "
                               "-f, -b or -E)");
        if (cfg->len_mode == GEN_FIXED) {
                if (cfg->fd) {
                        /* cangen rounds up to the next length an FD frame can have */
                        cfg->len = canring_can_dlc2len(canring_can_len2dlc(cfg->len));
                } else if (cfg->len > CAN_MAX_RAW_DLC ||
                           (cfg->len > CAN_MAX_DLEN && !cfg->len8_dlc)) {
                        return gen_err(err, errlen,
                                       "-L %u: classic CAN frames carry at most 8 bytes (-8 "
                                       "allows a raw DLC up to 15, -f up to 64 bytes)",
                                       cfg->len);
                }
        }
        return 0;
}

/* splitmix64: small, fast, and good enough to spread ids and payloads. */
static uint64_t gen_random(struct gen_state *st)
{
        uint64_t z = (st->rng += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
}

static void set_len(struct gen_state *st, unsigned len)
{
        /* a classic length past 8 is a raw DLC of an 8-byte frame (only reachable with -8) */
        if (!st->fd && len > CAN_MAX_DLEN) {
                st->len8 = st->cfg.len8_dlc ? (uint8_t)len : 0;
                st->len = CAN_MAX_DLEN;
        } else {
                st->len8 = 0;
                st->len = (uint8_t)len;
        }
}

void gen_init(struct gen_state *st, const struct gen_config *cfg)
{
        memset(st, 0, sizeof(*st));
        st->cfg = *cfg;
        st->rng = cfg->seed;
        st->id = cfg->id_mode == GEN_FIXED ? cfg->id : 0;
        st->extended = cfg->extended;
        st->fd = cfg->fd;
        st->brs = cfg->brs;
        st->esi = cfg->esi;
        st->rtr = cfg->rtr;
        set_len(st, cfg->len_mode == GEN_FIXED ? cfg->len : 0);
}

void gen_next(struct gen_state *st, struct canfd_frame *frame, size_t *mtu)
{
        const struct gen_config *cfg = &st->cfg;
        unsigned maxdlen = st->fd ? CANFD_MAX_DLEN : CAN_MAX_DLEN;

        memset(frame, 0, sizeof(*frame));
        if (cfg->id_mode == GEN_RANDOM)
                st->id = (canid_t)gen_random(st);
        canid_t id = st->extended ? (st->id & CAN_EFF_MASK) | CAN_EFF_FLAG : st->id & CAN_SFF_MASK;
        bool rtr = st->rtr && !st->fd;
        if (rtr)
                id |= CAN_RTR_FLAG;
        frame->can_id = id;

        if (cfg->len_mode == GEN_RANDOM) {
                unsigned r = (unsigned)(gen_random(st) & 0xF);
                set_len(st, st->fd ? canring_can_dlc2len((uint8_t)r) : r);
        } else if (st->len > maxdlen) {
                /* mix: a classic frame after an FD length keeps at most 8 bytes */
                set_len(st, CAN_MAX_DLEN);
        }
        if (st->fd)
                st->len = canring_can_dlc2len(canring_can_len2dlc(st->len)); /* mix with -8 */
        if (cfg->data_mode == GEN_INCREMENT && st->len == 0)
                st->len = 1; /* cangen: the counter needs at least one byte */
        frame->len = st->len;
        if (st->fd) {
                frame->flags = (uint8_t)((st->brs ? CANFD_BRS : 0) | (st->esi ? CANFD_ESI : 0));
                *mtu = CANFD_MTU;
        } else {
                /* struct can_frame's len8_dlc shares its offset with canfd_frame's __res1 */
                frame->__res1 = st->len8;
                *mtu = CAN_MTU;
        }

        /* A remote frame carries no data on the bus; keep its payload zero. */
        if (!rtr) {
                if (cfg->data_mode == GEN_INCREMENT) {
                        for (unsigned i = 0; i < 8; i++)
                                frame->data[i] = (uint8_t)(st->counter >> (8 * i));
                } else if (cfg->data_mode == GEN_FIXED) {
                        memcpy(frame->data, cfg->data, CANFD_MAX_DLEN);
                        for (unsigned i = 0; i < frame->len; i++)
                                if (cfg->dmask[i])
                                        frame->data[i] =
                                            (uint8_t)((frame->data[i] & ~cfg->dmask[i]) |
                                                      (gen_random(st) & cfg->dmask[i]));
                } else {
                        for (unsigned i = 0; i < frame->len; i += 8) {
                                uint64_t r = gen_random(st);
                                memcpy(&frame->data[i], &r, 8);
                        }
                }
                memset(&frame->data[frame->len], 0, CANFD_MAX_DLEN - frame->len);
        }

        /* Advance as cangen does after each frame. */
        st->counter++;
        if (cfg->id_mode == GEN_INCREMENT)
                st->id++;
        if (cfg->len_mode == GEN_INCREMENT) {
                st->incdlc = (st->incdlc + 1) % (CAN_MAX_RAW_DLC + 1);
                if (st->fd && !cfg->mix) {
                        set_len(st, canring_can_dlc2len((uint8_t)st->incdlc));
                } else if (cfg->len8_dlc) {
                        set_len(st, st->incdlc);
                } else {
                        st->incdlc %= CAN_MAX_DLEN + 1;
                        set_len(st, st->incdlc);
                }
        }
        if (cfg->mix) {
                uint64_t r = gen_random(st);
                st->extended = r & 1;
                st->fd = r & 2;
                if (st->fd) {
                        st->brs = r & 4;
                        st->esi = r & 8;
                }
                st->rtr = (r & 24) == 24; /* one frame in four is remote (classic ones only) */
        }
}

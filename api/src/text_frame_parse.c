/* SPDX-License-Identifier: MIT */
/*
 * cansend frame syntax parser. Accepts what can-utils' parse_canframe accepts for well-formed
 * frames, but rejects with a reason what it would silently truncate or misread (odd digits,
 * too many bytes, an 11-bit id above 7FF, trailing text).
 */
#include <string.h>

#include "canring/text.h"
#include "text_priv.h"

/* Parses "_X" (len8_dlc) at S; LEN is the payload length it follows. */
static int parse_len8_dlc(const char *s, uint8_t len, uint8_t *dlc, char *err, size_t errlen)
{
        int v;

        if (len != CAN_MAX_DLEN)
                return text_fail(err, errlen, "DLC suffix '_%c' needs 8 data bytes, frame has %u",
                                 s[1], len);
        v = text_nibble(s[1]);
        if (v < 0)
                return text_fail(err, errlen, "DLC suffix: expected a hex digit 9..F after '_'");
        if (v <= CAN_MAX_DLC)
                return text_fail(err, errlen, "DLC suffix %X out of range 9..F", (unsigned)v);
        if (s[2] != '\0')
                return text_fail(err, errlen, "unexpected text '%s' after DLC suffix", s + 2);
        *dlc = (uint8_t)v;
        return 0;
}

static int parse_id(const char *text, struct canfd_frame *frame, size_t *used, char *err,
                    size_t errlen)
{
        size_t n = text_hex_run(text), i;
        uint32_t id = 0;

        if (text[n] != '#') {
                if (text[n] == '\0')
                        return text_fail(err, errlen, "missing '#' after the CAN id");
                return text_fail(err, errlen, "invalid character '%c' in CAN id", text[n]);
        }
        if (n != 3 && n != 8)
                return text_fail(
                    err, errlen,
                    "CAN id must have 3 (standard) or 8 (extended) hex digits, got %zu", n);
        for (i = 0; i < n; i++)
                id = id << 4 | (uint32_t)text_nibble(text[i]);
        if (n == 3) {
                if (id > CAN_SFF_MASK)
                        return text_fail(err, errlen, "standard CAN id %03X too large (max 7FF)",
                                         id);
        } else if (id & CAN_ERR_FLAG) {
                /* candump logs error frames with CAN_ERR_FLAG in the 8-digit id. */
                if (id & ~(CAN_ERR_FLAG | CAN_ERR_MASK))
                        return text_fail(err, errlen, "error frame id %08X too large", id);
        } else {
                if (id > CAN_EFF_MASK)
                        return text_fail(err, errlen,
                                         "extended CAN id %08X too large (max 1FFFFFFF)", id);
                id |= CAN_EFF_FLAG;
        }
        frame->can_id = id;
        *used = n + 1;
        return 0;
}

static int parse_rtr(const char *s, struct canfd_frame *frame, char *err, size_t errlen)
{
        struct can_frame *cf = (struct can_frame *)frame;
        int v;

        frame->can_id |= CAN_RTR_FLAG;
        if (frame->can_id & CAN_ERR_FLAG)
                return text_fail(err, errlen, "an error frame cannot be a remote frame");
        if (*s == '\0')
                return 0;
        v = text_nibble(*s);
        if (v < 0 || v > CAN_MAX_DLEN)
                return text_fail(err, errlen, "remote frame length '%c' out of range 0..8", *s);
        cf->len = (uint8_t)v;
        s++;
        if (*s == '_')
                return parse_len8_dlc(s, cf->len, &cf->len8_dlc, err, errlen);
        if (*s != '\0')
                return text_fail(err, errlen, "unexpected text '%s' after remote frame length", s);
        return 0;
}

static int parse_data(const char *s, struct canfd_frame *frame, size_t maxlen, const char **end,
                      char *err, size_t errlen)
{
        size_t len = 0;
        int hi, lo;

        for (;;) {
                if (*s == '.')
                        s++;
                if (*s == '\0' || *s == '_')
                        break;
                hi = text_nibble(s[0]);
                if (hi < 0)
                        return text_fail(err, errlen, "invalid character '%c' in data", s[0]);
                lo = text_nibble(s[1]);
                if (lo < 0) {
                        if (s[1] == '\0' || s[1] == '.' || s[1] == '_')
                                return text_fail(err, errlen,
                                                 "odd number of hex digits in data byte %zu", len);
                        return text_fail(err, errlen, "invalid character '%c' in data", s[1]);
                }
                if (len == maxlen)
                        return text_fail(err, errlen, "too many data bytes (more than %zu)",
                                         maxlen);
                frame->data[len++] = (uint8_t)(hi << 4 | lo);
                s += 2;
        }
        frame->len = (uint8_t)len;
        *end = s;
        return 0;
}

int canring_frame_parse(const char *text, struct canfd_frame *frame, size_t *mtu, char *err,
                        size_t errlen)
{
        const char *s;
        size_t used = 0;
        int ret, v;

        memset(frame, 0, sizeof(*frame));
        if (err && errlen)
                err[0] = '\0';
        if (!text || !*text)
                return text_fail(err, errlen, "empty frame");

        ret = parse_id(text, frame, &used, err, errlen);
        if (ret)
                return ret;
        s = text + used;

        if (*s == 'R' || *s == 'r') {
                ret = parse_rtr(s + 1, frame, err, errlen);
                if (ret)
                        return ret;
                *mtu = CAN_MTU;
                return 0;
        }

        if (*s == '#') {
                v = text_nibble(s[1]);
                if (v < 0)
                        return text_fail(err, errlen,
                                         "CAN FD frame needs a flags hex digit after '##'");
                frame->flags = (uint8_t)v;
                ret = parse_data(s + 2, frame, CANFD_MAX_DLEN, &s, err, errlen);
                if (ret)
                        return ret;
                if (*s == '_')
                        return text_fail(err, errlen, "DLC suffix is for classic frames only");
                if (canring_can_dlc2len(canring_can_len2dlc(frame->len)) != frame->len)
                        return text_fail(err, errlen,
                                         "CAN FD payload of %u bytes is not a valid FD length "
                                         "(0-8, 12, 16, 20, 24, 32, 48, 64)",
                                         frame->len);
                *mtu = CANFD_MTU;
                return 0;
        }

        ret = parse_data(s, frame, CAN_MAX_DLEN, &s, err, errlen);
        if (!ret && *s == '_')
                ret = parse_len8_dlc(s, frame->len, &((struct can_frame *)frame)->len8_dlc, err,
                                     errlen);
        if (ret)
                return ret;
        *mtu = CAN_MTU;
        return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Compact ("123#DEADBEEF") and long ("123   [4]  DE AD BE EF") frame forms, byte-identical to
 * can-utils 2020.11 lib.c sprint_canframe / sprint_long_canframe (Debian 12's candump), which
 * tests check against log2long.
 */
#include <string.h>

#include "canring/text.h"
#include "text_priv.h"

#define SWAP_DELIMITER '`'

static size_t max_dlen(size_t mtu)
{
        return mtu == CANFD_MTU ? CANFD_MAX_DLEN : CAN_MAX_DLEN;
}

/* candump prints error frames with their flag, extended ids in 8 and standard in 3 digits. */
static void append_id(char *buf, size_t len, size_t *pos, canid_t id, const char *indent,
                      const char *tail)
{
        if (id & CAN_ERR_FLAG)
                text_append(buf, len, pos, "%08X%s", id & (CAN_ERR_MASK | CAN_ERR_FLAG), tail);
        else if (id & CAN_EFF_FLAG)
                text_append(buf, len, pos, "%08X%s", id & CAN_EFF_MASK, tail);
        else
                text_append(buf, len, pos, "%s%03X%s", indent, id & CAN_SFF_MASK, tail);
}

int canring_frame_print(char *buf, size_t len, const struct canfd_frame *frame, size_t mtu,
                        unsigned flags)
{
        const struct can_frame *cf = (const struct can_frame *)frame;
        size_t maxdlen = max_dlen(mtu), dlen = frame->len, pos = 0, i;
        bool sep = flags & CANRING_PRINT_SEP;

        if (dlen > maxdlen)
                dlen = maxdlen;
        if (len)
                buf[0] = '\0';
        append_id(buf, len, &pos, frame->can_id, "", "#");

        if (maxdlen == CAN_MAX_DLEN && (frame->can_id & CAN_RTR_FLAG)) {
                if (frame->len && frame->len <= CAN_MAX_DLC)
                        text_append(buf, len, &pos, "R%u", frame->len);
                else
                        text_append(buf, len, &pos, "R");
        } else {
                if (maxdlen == CANFD_MAX_DLEN) {
                        text_append(buf, len, &pos, "#%X", frame->flags & 0xfu);
                        if (sep && dlen)
                                text_append(buf, len, &pos, ".");
                }
                for (i = 0; i < dlen; i++)
                        text_append(buf, len, &pos, sep && i + 1 < dlen ? "%02X." : "%02X",
                                    frame->data[i]);
        }
        if ((flags & CANRING_PRINT_LEN8_DLC) && maxdlen == CAN_MAX_DLEN &&
            frame->len == CAN_MAX_DLEN && cf->len8_dlc > CAN_MAX_DLC && cf->len8_dlc <= 15)
                text_append(buf, len, &pos, "_%X", cf->len8_dlc);
        return (int)pos;
}

static void append_bits(char *buf, size_t len, size_t *pos, char lead, uint8_t byte)
{
        char bits[10];
        int j;

        bits[0] = lead;
        for (j = 7; j >= 0; j--)
                bits[8 - j] = (byte >> j) & 1 ? '1' : '0';
        bits[9] = '\0';
        text_append(buf, len, pos, "%s", bits);
}

int canring_frame_print_long(char *buf, size_t len, const struct canfd_frame *frame, size_t mtu,
                             unsigned view)
{
        size_t maxdlen = max_dlen(mtu), pos = 0;
        int dlen = frame->len > maxdlen ? (int)maxdlen : frame->len;
        bool swap = view & CANRING_VIEW_SWAP;
        int i, width, cell;

        if (len)
                buf[0] = '\0';
        append_id(buf, len, &pos, frame->can_id, view & CANRING_VIEW_INDENT_SFF ? "     " : "",
                  "  ");

        if (maxdlen == CAN_MAX_DLEN) {
                text_append(buf, len, &pos, " [%d] ", dlen);
                if (frame->can_id & CAN_RTR_FLAG) {
                        text_append(buf, len, &pos, " remote request");
                        return (int)pos;
                }
        } else {
                text_append(buf, len, &pos, "[%02d] ", dlen);
        }

        cell = (view & CANRING_VIEW_BINARY) ? 9 : 3; /* " 10101010" or " AA" */
        for (i = 0; i < dlen; i++) {
                int k = swap ? dlen - 1 - i : i;
                char lead = swap && i ? SWAP_DELIMITER : ' ';

                if (view & CANRING_VIEW_BINARY)
                        append_bits(buf, len, &pos, lead, frame->data[k]);
                else
                        text_append(buf, len, &pos, "%c%02X", lead, frame->data[k]);
        }

        /* The ASCII or ERRORFRAME column sits at a fixed offset behind up to 8 data bytes. */
        if (dlen > CAN_MAX_DLEN)
                return (int)pos;
        if (frame->can_id & CAN_ERR_FLAG) {
                text_append(buf, len, &pos, "%*s", cell * (8 - dlen) + 13, "ERRORFRAME");
        } else if (view & CANRING_VIEW_ASCII) {
                char quote = swap ? SWAP_DELIMITER : '\'';

                width = cell * (8 - dlen) + 4;
                text_append(buf, len, &pos, "%*c", width, quote);
                for (i = 0; i < dlen; i++) {
                        uint8_t c = frame->data[swap ? dlen - 1 - i : i];

                        text_append(buf, len, &pos, "%c", c > 0x1f && c < 0x7f ? (char)c : '.');
                }
                text_append(buf, len, &pos, "%c", quote);
        }
        return (int)pos;
}

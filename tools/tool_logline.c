/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "tool_logline.h"

static const char hex[] = "0123456789ABCDEF";

/* Decimal, zero-padded to at least WIDTH digits. */
static char *put_dec(char *p, uint64_t v, int width)
{
        char tmp[24];
        int n = 0;

        do {
                tmp[n++] = (char)('0' + v % 10);
                v /= 10;
        } while (v);
        while (n < width)
                tmp[n++] = '0';
        while (n)
                *p++ = tmp[--n];
        return p;
}

static char *put_hex(char *p, uint32_t v, int digits)
{
        for (int i = digits - 1; i >= 0; i--)
                *p++ = hex[(v >> (4 * i)) & 0xf];
        return p;
}

int tool_log_line(char *buf, uint64_t ts_ns, const char *ifname, const struct canfd_frame *f,
                  size_t mtu, enum canring_dir dir, bool ns)
{
        const struct can_frame *cf = (const struct can_frame *)f;
        size_t nlen = strnlen(ifname, IFNAMSIZ + 1);
        bool fd = mtu == CANFD_MTU;
        unsigned maxdlen = fd ? CANFD_MAX_DLEN : CAN_MAX_DLEN;
        unsigned dlen = f->len > maxdlen ? maxdlen : f->len;
        canid_t id = f->can_id;
        char *p = buf;

        if (nlen > IFNAMSIZ) /* the longest line then still fits CANRING_LOG_LINE_MAX */
                return -1;
        *p++ = '(';
        p = put_dec(p, ts_ns / 1000000000u, 10);
        *p++ = '.';
        p = ns ? put_dec(p, ts_ns % 1000000000u, 9) : put_dec(p, ts_ns % 1000000000u / 1000u, 6);
        *p++ = ')';
        *p++ = ' ';
        memcpy(p, ifname, nlen);
        p += nlen;
        *p++ = ' ';
        if (id & CAN_ERR_FLAG)
                p = put_hex(p, id & (CAN_ERR_MASK | CAN_ERR_FLAG), 8);
        else if (id & CAN_EFF_FLAG)
                p = put_hex(p, id & CAN_EFF_MASK, 8);
        else
                p = put_hex(p, id & CAN_SFF_MASK, 3);
        *p++ = '#';
        if (!fd && (id & CAN_RTR_FLAG)) {
                *p++ = 'R';
                if (f->len && f->len <= CAN_MAX_DLC)
                        *p++ = (char)('0' + f->len);
        } else {
                if (fd) {
                        *p++ = '#';
                        *p++ = hex[f->flags & 0xf];
                }
                for (unsigned i = 0; i < dlen; i++) {
                        *p++ = hex[f->data[i] >> 4];
                        *p++ = hex[f->data[i] & 0xf];
                }
        }
        if (!fd && f->len == CAN_MAX_DLEN && cf->len8_dlc > CAN_MAX_DLC && cf->len8_dlc <= 15) {
                *p++ = '_';
                *p++ = hex[cf->len8_dlc];
        }
        if (dir != CANRING_DIR_NONE) {
                *p++ = ' ';
                *p++ = dir == CANRING_DIR_TX ? 'T' : 'R';
        }
        *p++ = '\n';
        return (int)(p - buf);
}

/* SPDX-License-Identifier: MIT */
/*
 * Frame length on the wire (ISO 11898-1:2015 frame formats). The frame is laid out bit by bit
 * from SOF to the end of the dynamically stuffed part, stuff bits are counted on that stream,
 * and the fixed-length tail is added: for classic CAN the CRC-15 is computed and stuffed too
 * (it belongs to the stuffed part), for CAN FD the CRC field has fixed stuff bits only.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "canring/busload.h"
#include "canring/text.h"

#define TAIL_BITS 13u  /* CRC delimiter, ACK slot, ACK delimiter, 7 EOF, 3 intermission */
#define MAX_BITS  640u /* 41 header bits + 64 * 8 data bits, rounded up */

struct bitstream {
        uint8_t bit[MAX_BITS];
        uint32_t n;
        uint32_t brs_pos; /* index of the BRS bit (FD), or MAX_BITS */
};

static void put(struct bitstream *bs, uint32_t value, unsigned width)
{
        while (width--)
                bs->bit[bs->n++] = (value >> width) & 1u;
}

/* Lays out SOF .. end of data. Returns false for shapes the frame type cannot have. */
static bool layout(struct bitstream *bs, const struct canfd_frame *frame, bool fd,
                   unsigned *datalen)
{
        const struct can_frame *cf = (const struct can_frame *)frame;
        canid_t id = frame->can_id;
        bool eff = id & CAN_EFF_FLAG, rtr = id & CAN_RTR_FLAG;
        unsigned dlc, len = frame->len, i;

        bs->n = 0;
        bs->brs_pos = MAX_BITS;
        if (fd) {
                if (len > CANFD_MAX_DLEN || canring_can_dlc2len(canring_can_len2dlc(len)) != len)
                        return false;
                dlc = canring_can_len2dlc(len);
        } else {
                if (len > CAN_MAX_DLEN)
                        return false;
                dlc = len;
                if (len == CAN_MAX_DLEN && cf->len8_dlc > CAN_MAX_DLC && cf->len8_dlc <= 15)
                        dlc = cf->len8_dlc;
        }

        put(bs, 0, 1); /* SOF */
        if (eff) {
                put(bs, (id & CAN_EFF_MASK) >> 18, 11);
                put(bs, 3, 2); /* SRR, IDE (both recessive) */
                put(bs, id & 0x3ffffu, 18);
        } else {
                put(bs, id & CAN_SFF_MASK, 11);
        }
        if (fd) {
                /* RRS, [IDE=0 for base format], FDF=1, res=0 */
                if (eff)
                        put(bs, 0x2, 3); /* RRS 0, FDF 1, res 0 */
                else
                        put(bs, 0x2, 4); /* RRS 0, IDE 0, FDF 1, res 0 */
                bs->brs_pos = bs->n;
                put(bs, frame->flags & CANFD_BRS ? 1 : 0, 1);
                put(bs, frame->flags & CANFD_ESI ? 1 : 0, 1);
        } else if (eff) {
                put(bs, rtr, 1); /* RTR */
                put(bs, 0, 2);   /* r1, r0 */
        } else {
                put(bs, rtr, 1); /* RTR */
                put(bs, 0, 2);   /* IDE, r0 */
        }
        put(bs, dlc, 4);
        if (!fd && rtr)
                len = 0; /* remote frames carry a DLC but no data field */
        for (i = 0; i < len; i++)
                put(bs, frame->data[i], 8);
        *datalen = len;
        return true;
}

static void put_crc15(struct bitstream *bs)
{
        uint32_t crc = 0, i;

        for (i = 0; i < bs->n; i++) {
                uint32_t next = bs->bit[i] ^ ((crc >> 14) & 1u);

                crc = (crc << 1) & 0x7fffu;
                if (next)
                        crc ^= 0x4599u;
        }
        put(bs, crc, 15);
}

/*
 * Counts stuff bits on the stream: after five equal bits the transmitter inserts their
 * complement, which starts the next run. With LAST_FREE a run completed by the stream's last bit
 * inserts nothing (the FD CRC field's first fixed stuff bit takes its place). Stuff bits
 * triggered before the BRS bit are sent at the nominal rate, the rest at the data rate.
 */
static void count_stuff(const struct bitstream *bs, bool last_free, uint32_t *nominal,
                        uint32_t *data)
{
        uint32_t run = 0, i;
        int last = -1;

        *nominal = *data = 0;
        for (i = 0; i < bs->n; i++) {
                if (bs->bit[i] == last) {
                        run++;
                } else {
                        last = bs->bit[i];
                        run = 1;
                }
                if (run < 5)
                        continue;
                if (!(last_free && i + 1 == bs->n)) {
                        if (i < bs->brs_pos)
                                (*nominal)++;
                        else
                                (*data)++;
                }
                last = !last;
                run = 1;
        }
}

/* Worst-case stuffing of the stream: stuff bits after bit 5, 9, 13, ... (1-based). */
static void worst_stuff(const struct bitstream *bs, bool last_free, uint32_t *nominal,
                        uint32_t *data)
{
        uint32_t end = last_free ? bs->n - 1 : bs->n, q;

        *nominal = *data = 0;
        for (q = 5; q <= end; q += 4) {
                if (q - 1 < bs->brs_pos)
                        (*nominal)++;
                else
                        (*data)++;
        }
}

int canring_frame_bits(const struct canfd_frame *frame, size_t mtu, enum canring_bits_mode mode,
                       struct canring_frame_bits *bits)
{
        struct bitstream bs;
        uint32_t stuff_nom = 0, stuff_data = 0, head, crc_field = 0;
        bool fd = mtu == CANFD_MTU, brs;
        unsigned len;

        if ((mtu != CAN_MTU && mtu != CANFD_MTU) || (frame->can_id & CAN_ERR_FLAG))
                return -EINVAL;
        if (!layout(&bs, frame, fd, &len))
                return -EINVAL;

        if (mode == CANRING_BITS_CANFRAMELEN_WORST && !fd) {
                /* canframelen counts frame->len even for remote frames; kept for comparability. */
                uint32_t base = (frame->can_id & CAN_EFF_FLAG) ? 389 : 269;

                bits->nominal = (base + frame->len * 48u) / 5u;
                bits->data = 0;
                return 0;
        }

        if (!fd) {
                put_crc15(&bs); /* the CRC sequence is stuffed in classic frames */
                if (mode == CANRING_BITS_EXACT)
                        count_stuff(&bs, false, &stuff_nom, &stuff_data);
                else if (mode != CANRING_BITS_NO_STUFFING)
                        worst_stuff(&bs, false, &stuff_nom, &stuff_data);
                bits->nominal = bs.n + stuff_nom + TAIL_BITS;
                bits->data = 0;
                return 0;
        }

        if (mode == CANRING_BITS_EXACT)
                count_stuff(&bs, true, &stuff_nom, &stuff_data);
        else if (mode != CANRING_BITS_NO_STUFFING)
                worst_stuff(&bs, true, &stuff_nom, &stuff_data);
        /* Stuff count (4) + CRC-17/21, a fixed stuff bit before it and after every 4 bits. */
        crc_field = len > 16 ? 25u + 7u : 21u + 6u;

        brs = frame->flags & CANFD_BRS;
        head = bs.brs_pos + 1; /* SOF .. BRS: always nominal (BRS switches at its sample point) */
        if (brs) {
                bits->nominal = head + stuff_nom + TAIL_BITS;
                bits->data = (bs.n - head) + stuff_data + crc_field;
        } else {
                bits->nominal = bs.n + stuff_nom + stuff_data + crc_field + TAIL_BITS;
                bits->data = 0;
        }
        return 0;
}

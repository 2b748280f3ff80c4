/* SPDX-License-Identifier: MIT */
/* pcap file and record encoding for LINKTYPE_CAN_SOCKETCAN (see canring/pcap.h). */
#include <errno.h>
#include <string.h>

#include "canring/pcap.h"

#ifndef CANFD_FDF
#define CANFD_FDF 0x04 /* older headers lack it; the value is fixed by the pcap format */
#endif

/* Header fields are host order: the magic tells readers which order that was. */
static void put32(uint8_t *p, uint32_t v)
{
        memcpy(p, &v, sizeof(v));
}

static void put16(uint8_t *p, uint16_t v)
{
        memcpy(p, &v, sizeof(v));
}

int canring_pcap_file_header(uint8_t *buf, size_t len, unsigned flags)
{
        if (len < CANRING_PCAP_FILE_HEADER_LEN)
                return -ENOSPC;
        put32(buf, flags & CANRING_PCAP_NS ? CANRING_PCAP_MAGIC_NS : CANRING_PCAP_MAGIC_US);
        put16(buf + 4, 2);  /* version major */
        put16(buf + 6, 4);  /* version minor */
        put32(buf + 8, 0);  /* thiszone: timestamps are UTC */
        put32(buf + 12, 0); /* sigfigs */
        put32(buf + 16, CANRING_PCAP_SNAPLEN);
        put32(buf + 20, CANRING_PCAP_LINKTYPE_CAN_SOCKETCAN);
        return CANRING_PCAP_FILE_HEADER_LEN;
}

int canring_pcap_record(uint8_t *buf, size_t len, unsigned flags, uint64_t ts_ns,
                        const struct canfd_frame *frame, size_t mtu)
{
        const struct can_frame *cf = (const struct can_frame *)frame;
        uint32_t sec = (uint32_t)(ts_ns / 1000000000u), sub = (uint32_t)(ts_ns % 1000000000u);
        uint8_t *pkt = buf + CANRING_PCAP_RECORD_HEADER_LEN;
        size_t maxdlen, caplen;

        if (mtu == CAN_MTU)
                maxdlen = CAN_MAX_DLEN;
        else if (mtu == CANFD_MTU)
                maxdlen = CANFD_MAX_DLEN;
        else
                return -EINVAL;
        if (frame->len > maxdlen)
                return -EINVAL;
        caplen = flags & CANRING_PCAP_COMPACT ? 8u + frame->len : mtu;
        if (len < CANRING_PCAP_RECORD_HEADER_LEN + caplen)
                return -ENOSPC;

        if (!(flags & CANRING_PCAP_NS))
                sub /= 1000u;
        put32(buf, sec);
        put32(buf + 4, sub);
        put32(buf + 8, (uint32_t)caplen);
        put32(buf + 12, (uint32_t)caplen);

        memset(pkt, 0, caplen);
        /* The pseudo-header's id is big-endian for this link type (unlike DLT_LINUX_SLL). */
        pkt[0] = (uint8_t)(frame->can_id >> 24);
        pkt[1] = (uint8_t)(frame->can_id >> 16);
        pkt[2] = (uint8_t)(frame->can_id >> 8);
        pkt[3] = (uint8_t)frame->can_id;
        pkt[4] = frame->len;
        if (mtu == CANFD_MTU) {
                pkt[5] = (uint8_t)((frame->flags & (CANFD_BRS | CANFD_ESI)) | CANFD_FDF);
        } else if (cf->len8_dlc > CAN_MAX_DLC && cf->len8_dlc <= 15 && frame->len == CAN_MAX_DLEN) {
                pkt[7] = cf->len8_dlc;
        }
        memcpy(pkt + 8, frame->data, frame->len);
        return (int)(CANRING_PCAP_RECORD_HEADER_LEN + caplen);
}

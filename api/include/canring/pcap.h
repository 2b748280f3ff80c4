/* SPDX-License-Identifier: MIT */
/*
 * pcap encoding of CAN frames (LINKTYPE_CAN_SOCKETCAN), into caller buffers: the caller writes
 * them to a file. Wireshark, tshark and tcpdump read the result.
 *
 * Each packet is the SocketCAN pseudo-header with the id in network byte order:
 *   0  can_id   4 bytes, big-endian, CAN_EFF/RTR/ERR flags included
 *   4  len      payload length in bytes
 *   5  flags    CAN FD: CANFD_FDF (0x04) | CANFD_BRS | CANFD_ESI; classic: 0
 *   6  res0     0
 *   7  res1     classic: len8_dlc (9..15) or 0; FD: 0
 *   8  data     payload
 * By default a packet is as long as the kernel's frame structure (16 or 72 bytes, padding
 * zeroed), as a capture on a CAN interface has it; CANRING_PCAP_COMPACT stores 8 + len bytes.
 */
#ifndef CANRING_PCAP_H
#define CANRING_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/can.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CANRING_PCAP_LINKTYPE_CAN_SOCKETCAN 227u
#define CANRING_PCAP_MAGIC_US               0xa1b2c3d4u /* microsecond timestamps */
#define CANRING_PCAP_MAGIC_NS               0xa1b23c4du /* nanosecond timestamps */
#define CANRING_PCAP_FILE_HEADER_LEN        24u         /* bytes */
#define CANRING_PCAP_RECORD_HEADER_LEN      16u         /* bytes */
#define CANRING_PCAP_RECORD_MAX             (CANRING_PCAP_RECORD_HEADER_LEN + CANFD_MTU)
#define CANRING_PCAP_SNAPLEN                CANFD_MTU /* no packet is longer */

/* Encoding flags. */
#define CANRING_PCAP_NS      0x01u /* nanosecond timestamps (else microseconds, truncated) */
#define CANRING_PCAP_COMPACT 0x02u /* store 8 + len bytes instead of the full 16/72 */

/*
 * The 24-byte file header (host byte order, as libpcap writes it; readers detect the order from
 * the magic). Returns the bytes written, or -ENOSPC if LEN is too small.
 */
int canring_pcap_file_header(uint8_t *buf, size_t len, unsigned flags);

/*
 * One record (16-byte record header and the packet) for FRAME of MTU (CAN_MTU or CANFD_MTU)
 * received at TS_NS (ns since the epoch). FLAGS must match the file header's CANRING_PCAP_NS.
 * Returns the bytes written (at most CANRING_PCAP_RECORD_MAX), -ENOSPC if LEN is too small or
 * -EINVAL for a bad MTU or payload length.
 */
int canring_pcap_record(uint8_t *buf, size_t len, unsigned flags, uint64_t ts_ns,
                        const struct canfd_frame *frame, size_t mtu);

#ifdef __cplusplus
}
#endif

#endif

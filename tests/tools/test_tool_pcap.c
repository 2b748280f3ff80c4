/* SPDX-License-Identifier: MIT */
/*
 * `canring log --format pcap` writes LINKTYPE_CAN_SOCKETCAN captures: header fields, one packet
 * per frame with the id big-endian, length, FD flags and data; --ns switches the magic. Where
 * tshark is installed it must decode the same ids and data.
 */
#include "tools_test.h"

static const char *const names[] = {"can0"};

struct pkt {
        canid_t id;
        uint8_t len, flags;
        uint8_t data[64];
};

static int read_pcap(const char *path, uint32_t want_magic, struct pkt *out, int max)
{
        size_t size, off = 24;
        uint8_t *b = (uint8_t *)th_slurp(path, &size);
        uint32_t magic, linktype;
        int n = 0;

        CHECK(size >= 24);
        memcpy(&magic, b, 4);
        memcpy(&linktype, b + 20, 4);
        CHECK_EQ(magic, want_magic);
        CHECK_EQ(linktype, CANRING_PCAP_LINKTYPE_CAN_SOCKETCAN);
        while (off < size && n < max) {
                uint32_t incl, id;

                memcpy(&incl, b + off + 8, 4);
                CHECK(off + 16 + incl <= size && incl >= 8);
                memcpy(&id, b + off + 16, 4);
                out[n].id = __builtin_bswap32(id);
                out[n].len = b[off + 16 + 4];
                out[n].flags = b[off + 16 + 5];
                memcpy(out[n].data, b + off + 24, out[n].len);
                n++;
                off += 16 + incl;
        }
        CHECK_EQ(off, size);
        return n;
}

int main(void)
{
        struct canring_record recs[4];
        struct canring_producer *p;
        struct pkt pk[8];

        th_setup();
        recs[0] = th_classic(0, 0x123, "DEADBEEF", TS0);
        recs[1] = th_classic(0, 0x1abcdef0 | CAN_EFF_FLAG, "0102", TS0 + 1000);
        recs[2] = th_classic(0, CAN_ERR_FLAG | CAN_ERR_CRTL, "0004000000000000", TS0 + 2000);
        memset(&recs[3], 0, sizeof(recs[3]));
        recs[3].kind = CANRING_KIND_FD;
        recs[3].sw_ts_ns = TS0 + 3000;
        recs[3].flags = CANRING_FLAG_BRS;
        recs[3].canfd.can_id = 0x321;
        recs[3].canfd.len = 16;
        recs[3].canfd.flags = CANFD_BRS;
        for (int i = 0; i < 16; i++)
                recs[3].canfd.data[i] = (uint8_t)(i * 17);
        p = th_producer(names, 1, 1 << 16, 0);
        for (int i = 0; i < 4; i++)
                th_publish(p, &recs[i]);
        CHECK_EQ(canring_producer_end(p), 0);

        CHECK_EQ(th_run((char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                        "--format", "pcap", "--name", "a.pcap", NULL}),
                 0);
        CHECK_EQ(read_pcap(th_path("a.pcap"), CANRING_PCAP_MAGIC_US, pk, 8), 4);
        for (int i = 0; i < 4; i++) {
                CHECK_EQ(pk[i].id, recs[i].can.can_id);
                CHECK_EQ(pk[i].len, recs[i].can.len);
                CHECK(memcmp(pk[i].data, recs[i].canfd.data, pk[i].len) == 0);
        }
        CHECK(pk[3].flags & CANFD_BRS);
        CHECK_EQ(th_run((char *const[]){"log", "--segment", "seg", "--oldest", "--dir", th_dir,
                                        "--format", "pcap", "--ns", "--name", "b.pcap", NULL}),
                 0);
        CHECK_EQ(read_pcap(th_path("b.pcap"), CANRING_PCAP_MAGIC_NS, pk, 8), 4);

        if (system("command -v tshark >/dev/null 2>&1") == 0) {
                char cmd[1024];

                snprintf(cmd, sizeof(cmd),
                         "tshark -r '%s' -T fields -e can.id -e can.len -e data.data "
                         ">'%s' 2>/dev/null",
                         th_path("a.pcap"), th_path("tshark.txt"));
                CHECK_EQ(system(cmd), 0);
                char *out = th_slurp(th_path("tshark.txt"), NULL);
                fprintf(stderr, "tshark:\n%s", out);
                /* tshark prints can.id in decimal: 0x123 = 291, 0x1abcdef0 = 448585456. */
                CHECK(strstr(out, "291\t4\tdeadbeef\n") == out);
                CHECK(strstr(out, "\n448585456\t2\t0102\n") != NULL);
                CHECK(strstr(out, "\n801\t16\t00112233445566778899aabbccddeeff\n") != NULL);
        }
        canring_producer_destroy(p);
        return 0;
}

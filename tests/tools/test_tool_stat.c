/* SPDX-License-Identifier: MIT */
/*
 * `canring stat --json` over a stream of known frames: per-channel frame, byte and error frame
 * counts of the sample, the exact on-wire bit count (stuffing included) behind the bus load, the
 * load figure consistent with bits / bitrate / interval, null load without a bitrate, bus state
 * and drop counters from the service's counters. The table form shows the same channels.
 */
#include "tools_test.h"

static const char *const names[] = {"can0", "vcan1"};

/* The JSON object of channel NAME in OUT (up to its closing "}}"), copied into BUF. */
static const char *channel_json(const char *out, const char *name, char *buf, size_t len)
{
        char key[64];
        const char *s, *e;

        snprintf(key, sizeof(key), "\"name\":\"%s\"", name);
        s = strstr(out, key);
        CHECK(s != NULL);
        e = strstr(s, "}}");
        CHECK(e != NULL && (size_t)(e - s) < len);
        memcpy(buf, s, (size_t)(e - s));
        buf[e - s] = '\0';
        return buf;
}

static double num(const char *obj, const char *key)
{
        char k[64];
        const char *s;

        snprintf(k, sizeof(k), "\"%s\":", key);
        s = strstr(obj, k);
        if (!s)
                FAIL("no %s in %s", key, obj);
        return strtod(s + strlen(k), NULL);
}

int main(void)
{
        struct canring_producer *p;
        struct canring_channel_info info;
        uint64_t bits = 0, bytes = 0;
        char buf[4096];

        th_setup();
        p = th_producer(names, 2, 1 << 16, 500000);
        memset(&info, 0, sizeof(info));
        snprintf(info.name, sizeof(info.name), "vcan1");
        info.flags = CANRING_CHAN_UP;
        CHECK_EQ(canring_producer_set_channel(p, 1, &info), 0); /* no bitrate: no load figure */

        pid_t pid = th_spawn(
            th_path("out"), th_path("err"), 0,
            (char *const[]){"stat", "--segment", "seg", "--json", "--interval", "600", NULL});
        th_wait_consumers(p, 1);
        for (int i = 0; i < 100; i++) {
                struct canring_record r =
                    th_classic(0, (canid_t)(i * 13 & 0x7ff), i % 2 ? "00FF00FF00FF" : "AA", TS0);
                struct canring_frame_bits fb;

                th_publish(p, &r);
                CHECK_EQ(canring_frame_bits((struct canfd_frame *)&r.can, CAN_MTU,
                                            CANRING_BITS_EXACT, &fb),
                         0);
                bits += fb.nominal;
                bytes += r.can.len;
        }
        for (int i = 0; i < 3; i++) {
                struct canring_record r = th_classic(0, CAN_ERR_FLAG | CAN_ERR_BUSOFF, "", TS0);
                th_publish(p, &r);
        }
        for (int i = 0; i < 10; i++) {
                struct canring_record r = th_classic(1, 0x10, "01", TS0);
                th_publish(p, &r);
        }
        struct canring_channel_counters cnt = {.frames = 103,
                                               .bytes = bytes,
                                               .socket_drops = 7,
                                               .ring_drops = 2,
                                               .error_frames = 3,
                                               .bus_state = 1,
                                               .tx_frames = 4};
        CHECK_EQ(canring_producer_set_counters(p, 0, &cnt), 0);
        CHECK_EQ(canring_producer_end(p), 0); /* ends the sample early */
        CHECK_EQ(th_wait(pid), 0);

        char *out = th_slurp(th_path("out"), NULL);
        fprintf(stderr, "%s", out);
        CHECK(strncmp(out, "{\"segment\":\"seg\",", 17) == 0);
        CHECK(strstr(out, "\"ended\":true") != NULL);
        double interval = num(out, "interval_s");
        CHECK(interval > 0);
        const char *c0 = channel_json(out, "can0", buf, sizeof(buf));
        CHECK_EQ(num(c0, "frames"), 100);
        CHECK_EQ(num(c0, "bytes"), bytes);
        CHECK_EQ(num(c0, "error_frames"), 3);
        CHECK_EQ(num(c0, "bits_nominal"), bits);
        CHECK_EQ(num(c0, "bitrate"), 500000);
        /* interval_s is printed to the microsecond: a short sample (the stream ends it early)
         * knows its own length only to +-0.5 us, which the expected load must allow for. */
        double load = num(c0, "load_percent");
        double want_lo = bits / 500000.0 / (interval + 0.5e-6) * 100;
        double want_hi = bits / 500000.0 / (interval - 0.5e-6) * 100;
        CHECK(interval > 1e-6);
        CHECK(load > want_lo * 0.999 - 0.001 && load < want_hi * 1.001 + 0.001);
        CHECK(strstr(c0, "\"state\":\"ERROR-WARNING\"") != NULL);
        CHECK(strstr(c0, "\"socket\":7,\"ring\":2") != NULL);
        CHECK(strstr(c0, "\"total\":{\"frames\":103,") != NULL);
        const char *c1 = channel_json(out, "vcan1", buf, sizeof(buf));
        CHECK_EQ(num(c1, "frames"), 10);
        CHECK(strstr(c1, "\"load_percent\":null") != NULL);

        /* Table form, one channel selected. */
        CHECK_EQ(
            th_run((char *const[]){"stat", "--segment", "seg", "--interval", "0.1", "can0", NULL}),
            0);
        out = th_slurp(th_path("out"), NULL);
        CHECK(strstr(out, "\ncan0       ERROR-WARNING    500000") != NULL);
        CHECK(strstr(out, "vcan1") == NULL);
        CHECK(strstr(out, "ring 0: ") != NULL);
        canring_producer_destroy(p);
        return 0;
}

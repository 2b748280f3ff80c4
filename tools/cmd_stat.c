/* SPDX-License-Identifier: MIT */
/*
 * `canring stat`: per channel frames/s, bytes/s, bus load (exact bit count with stuffing, as
 * canbusload's exact mode), error frames, bus state and drops per layer, from one sample of the
 * stream over an interval. Rates and load come from the records this reader saw in the interval
 * (the load needs each frame's bits); totals come from the service's channel counters; the
 * interface's own drop counters come from sysfs.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canring/busload.h"
#include "canring/consumer.h"
#include "canring/error.h"
#include "commands.h"
#include "tool_channels.h"
#include "tool_events.h"
#include "tool_reader.h"
#include "tool_signals.h"

#define PROG  "canring stat"
#define BATCH 256

struct chan_sample {
        uint64_t frames, bytes, error_frames;
        uint64_t bits_nominal, bits_data; /* exact on-wire bits of the frames (not error frames) */
};

struct stat_ctx {
        struct canring_consumer *c;
        struct tool_chans chans;
        struct tool_sel *sels; /* NULL: all channels */
        unsigned nsels;
        const char *segment;
        bool json;
        struct chan_sample *cur; /* per channel, this interval */
        uint64_t lost_interval;  /* records this reader lost in the interval */
        double elapsed_s;
        bool ended;
};

static void usage(FILE *out)
{
        fprintf(out,
                "usage: canring stat [OPTIONS] [CHANNEL...]\n"
                "  Per channel: frames/s, bytes/s, bus load %%, error frames, bus state, drops.\n"
                "  --interval SEC   sample length (default 1)\n"
                "  --watch[=SEC]    redraw every SEC seconds (default: the interval) until ^C\n"
                "  --json           JSON (one object; one per line with --watch)\n"
                "  --segment NAME   segment name (default '%s')\n",
                CANRING_DEFAULT_NAME);
}

static bool parse_seconds(const char *s, double *out)
{
        char *end;

        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !(v > 0) || v > 86400)
                return false;
        *out = v;
        return true;
}

static bool channel_shown(const struct stat_ctx *s, unsigned ch)
{
        if (!s->sels)
                return true;
        for (unsigned i = 0; i < s->nsels; i++)
                if (s->sels[i].channel < 0 || (unsigned)s->sels[i].channel == ch)
                        return true;
        return false;
}

static void account(struct stat_ctx *s, const struct canring_record *r)
{
        struct canring_frame_bits bits;
        struct canfd_frame f;
        size_t mtu;

        if (r->channel >= s->chans.n)
                return;
        if (r->kind == CANRING_KIND_EVENT) {
                if (r->event.type == CANRING_EVENT_IF_UP || r->event.type == CANRING_EVENT_IF_DOWN)
                        tool_chans_refresh(&s->chans, r->channel);
                return;
        }
        if (!tool_record_frame(r, &f, &mtu))
                return;
        struct chan_sample *cs = &s->cur[r->channel];
        if (r->kind == CANRING_KIND_ERROR) {
                cs->error_frames++;
                return;
        }
        cs->frames++;
        cs->bytes += f.len;
        if (canring_frame_bits(&f, mtu, CANRING_BITS_EXACT, &bits) == 0) {
                cs->bits_nominal += bits.nominal;
                cs->bits_data += bits.data;
        }
}

/* Reads the stream for INTERVAL seconds (less if it ends or we are stopped). 0 or 1. */
static int sample(struct stat_ctx *s, double interval)
{
        const struct canring_record *recs[BATCH];
        uint64_t start = tool_mono_ns(), end = start + (uint64_t)(interval * 1e9);
        struct chan_sample *shadow = NULL;

        memset(s->cur, 0, s->chans.n * sizeof(*s->cur));
        s->lost_interval = 0;
        shadow = malloc((s->chans.n ? s->chans.n : 1) * sizeof(*shadow));
        if (!shadow)
                return 1;
        uint64_t lost0 = canring_consumer_lost(s->c);
        while (!tool_stop_requested() && !s->ended) {
                uint64_t now = tool_mono_ns();
                int n;

                if (now >= end)
                        break;
                memcpy(shadow, s->cur, s->chans.n * sizeof(*shadow));
                n = canring_consumer_read(s->c, recs, BATCH);
                if (n < 0)
                        break;
                for (int i = 0; i < n; i++)
                        account(s, recs[i]);
                if (n > 0 && canring_consumer_release(s->c) == -ESTALE)
                        memcpy(s->cur, shadow, s->chans.n * sizeof(*shadow)); /* counted as lost */
                if (n > 0)
                        continue;
                int ms = (int)((end - now + 999999) / 1000000);
                switch (tool_wait(PROG, s->c, ms)) {
                case TOOL_WAIT_READY:
                case TOOL_WAIT_TIMEOUT:
                        break;
                case TOOL_WAIT_ENDED:
                        s->ended = true;
                        break;
                case TOOL_WAIT_FAILED:
                        free(shadow);
                        return 1;
                }
        }
        free(shadow);
        s->lost_interval = canring_consumer_lost(s->c) - lost0;
        s->elapsed_s = (double)(tool_mono_ns() - start) / 1e9;
        if (s->elapsed_s <= 0)
                s->elapsed_s = 1e-9;
        return 0;
}

/* One counter of /sys/class/net/IF/statistics; false when there is none (no such interface). */
static bool if_stat(const char *ifname, const char *what, uint64_t *v)
{
        char path[256];
        unsigned long long x;
        FILE *f;
        bool ok;

        if (!ifname[0] || strchr(ifname, '/'))
                return false;
        snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", ifname, what);
        f = fopen(path, "r");
        if (!f)
                return false;
        ok = fscanf(f, "%llu", &x) == 1;
        fclose(f);
        *v = x;
        return ok;
}

/* Bus load in percent of the interval, or a negative value when the bitrate is unknown. */
static double load_percent(const struct canring_channel_info *info, const struct chan_sample *cs,
                           double elapsed)
{
        double busy;

        if (!info->bitrate)
                return -1;
        busy = (double)cs->bits_nominal / info->bitrate;
        if (cs->bits_data)
                busy += (double)cs->bits_data / (info->dbitrate ? info->dbitrate : info->bitrate);
        return busy / elapsed * 100.0;
}

static void json_string(const char *str)
{
        putchar('"');
        for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
                if (*p == '"' || *p == '\\')
                        printf("\\%c", *p);
                else if (*p < 0x20)
                        printf("\\u%04x", *p);
                else
                        putchar(*p);
        }
        putchar('"');
}

/* Every consumer attached to the segment with its own losses (the ring layer, per reader). */
static void print_consumers(struct stat_ctx *s, bool json)
{
        struct canring_consumer_info info[64];
        int n = canring_consumer_list(s->c, info, 64);

        if (n > 64)
                n = 64;
        if (json)
                printf(",\"consumers\":[");
        for (int i = 0; i < n; i++) {
                if (json)
                        printf("%s{\"pid\":%d,\"tethered\":%s,\"read\":%" PRIu64
                               ",\"lost\":%" PRIu64 "}",
                               i ? "," : "", info[i].pid,
                               info[i].flags & CANRING_CONSUMER_TETHERED ? "true" : "false",
                               info[i].read, info[i].lost);
                else
                        printf("consumer pid %d%s: %" PRIu64 " read, %" PRIu64 " lost\n",
                               info[i].pid,
                               info[i].flags & CANRING_CONSUMER_TETHERED ? " (tethered)" : "",
                               info[i].read, info[i].lost);
        }
        if (json)
                printf("]");
}

static void print_json(struct stat_ctx *s)
{
        char name_buf[24];
        bool first = true;

        printf("{\"segment\":");
        json_string(s->segment ? s->segment : CANRING_DEFAULT_NAME);
        printf(",\"interval_s\":%.6f,\"ended\":%s,\"lost_by_this_reader\":%" PRIu64 ",\"rings\":[",
               s->elapsed_s, s->ended ? "true" : "false", s->lost_interval);
        for (unsigned r = 0; r < canring_consumer_nrings(s->c); r++) {
                struct canring_consumer_ring_stats st;

                if (canring_consumer_ring_stats(s->c, r, &st))
                        continue;
                printf("%s{\"ring\":%u,\"published\":%" PRIu64 ",\"backpressure\":%" PRIu64
                       ",\"read_by_this_reader\":%" PRIu64 ",\"lost_by_this_reader\":%" PRIu64 "}",
                       first ? "" : ",", r, st.published, st.backpressure, st.read, st.lost);
                first = false;
        }
        printf("]");
        print_consumers(s, true);
        printf(",\"channels\":[");
        first = true;
        for (unsigned ch = 0; ch < s->chans.n; ch++) {
                struct canring_channel_counters cnt;
                const struct canring_channel_info *info = &s->chans.info[ch];
                const struct chan_sample *cs = &s->cur[ch];
                uint64_t rx_dropped, rx_over;

                if (!channel_shown(s, ch) || canring_consumer_channel(s->c, ch, NULL, &cnt))
                        continue;
                double load = load_percent(info, cs, s->elapsed_s);
                printf("%s{\"index\":%u,\"name\":", first ? "" : ",", ch);
                first = false;
                json_string(tool_chans_name(&s->chans, ch, name_buf, sizeof(name_buf)));
                printf(",\"up\":%s,\"fd\":%s,\"bitrate\":%u,\"dbitrate\":%u,\"state\":\"%s\"",
                       info->flags & CANRING_CHAN_UP ? "true" : "false",
                       info->flags & CANRING_CHAN_FD ? "true" : "false", info->bitrate,
                       info->dbitrate, tool_can_state_name(cnt.bus_state));
                printf(",\"frames\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"error_frames\":%" PRIu64
                       ",\"bits_nominal\":%" PRIu64 ",\"bits_data\":%" PRIu64,
                       cs->frames, cs->bytes, cs->error_frames, cs->bits_nominal, cs->bits_data);
                printf(",\"frames_per_s\":%.3f,\"bytes_per_s\":%.3f,\"load_percent\":",
                       (double)cs->frames / s->elapsed_s, (double)cs->bytes / s->elapsed_s);
                if (load < 0)
                        printf("null");
                else
                        printf("%.3f", load);
                printf(",\"total\":{\"frames\":%" PRIu64 ",\"bytes\":%" PRIu64
                       ",\"error_frames\":%" PRIu64 ",\"tx_frames\":%" PRIu64 "}",
                       cnt.frames, cnt.bytes, cnt.error_frames, cnt.tx_frames);
                printf(",\"drops\":{\"interface\":");
                if (if_stat(info->name, "rx_dropped", &rx_dropped) &&
                    if_stat(info->name, "rx_over_errors", &rx_over))
                        printf("{\"rx_dropped\":%" PRIu64 ",\"rx_over_errors\":%" PRIu64 "}",
                               rx_dropped, rx_over);
                else
                        printf("null");
                printf(",\"socket\":%" PRIu64 ",\"ring\":%" PRIu64 "}}", cnt.socket_drops,
                       cnt.ring_drops);
        }
        printf("]}\n");
}

static void print_table(struct stat_ctx *s, bool redraw)
{
        char name_buf[24], ifd[48], load_s[16];

        if (redraw)
                printf("\033[H\033[2J"); /* home and clear: the view updates in place */
        printf("segment %s, %.2f s sample%s\n", s->segment ? s->segment : CANRING_DEFAULT_NAME,
               s->elapsed_s, s->ended ? " (stream ended)" : "");
        printf("%-10s %-13s %9s %10s %11s %7s %8s %10s %21s\n", "CHANNEL", "STATE", "BITRATE",
               "FRAMES/S", "BYTES/S", "LOAD%", "ERRFR/S", "ERRFRAMES", "DROPS IF/SOCKET/RING");
        for (unsigned ch = 0; ch < s->chans.n; ch++) {
                struct canring_channel_counters cnt;
                const struct canring_channel_info *info = &s->chans.info[ch];
                const struct chan_sample *cs = &s->cur[ch];
                uint64_t rx_dropped, rx_over;

                if (!channel_shown(s, ch) || canring_consumer_channel(s->c, ch, NULL, &cnt))
                        continue;
                double load = load_percent(info, cs, s->elapsed_s);
                if (load < 0)
                        snprintf(load_s, sizeof(load_s), "-");
                else
                        snprintf(load_s, sizeof(load_s), "%.2f", load);
                if (if_stat(info->name, "rx_dropped", &rx_dropped) &&
                    if_stat(info->name, "rx_over_errors", &rx_over))
                        snprintf(ifd, sizeof(ifd), "%" PRIu64, rx_dropped + rx_over);
                else
                        snprintf(ifd, sizeof(ifd), "-");
                char drops[80];
                snprintf(drops, sizeof(drops), "%s/%" PRIu64 "/%" PRIu64, ifd, cnt.socket_drops,
                         cnt.ring_drops);
                printf("%-10s %-13s %9u %10.1f %11.1f %7s %8.1f %10" PRIu64 " %21s\n",
                       tool_chans_name(&s->chans, ch, name_buf, sizeof(name_buf)),
                       info->flags & CANRING_CHAN_UP ? tool_can_state_name(cnt.bus_state) : "DOWN",
                       info->bitrate, (double)cs->frames / s->elapsed_s,
                       (double)cs->bytes / s->elapsed_s, load_s,
                       (double)cs->error_frames / s->elapsed_s, cnt.error_frames, drops);
        }
        for (unsigned r = 0; r < canring_consumer_nrings(s->c); r++) {
                struct canring_consumer_ring_stats st;

                if (canring_consumer_ring_stats(s->c, r, &st) == 0)
                        printf("ring %u: %" PRIu64 " published, %" PRIu64
                               " refused by tethered readers, %" PRIu64 " lost by this reader\n",
                               r, st.published, st.backpressure, st.lost);
        }
        print_consumers(s, false);
}

int cmd_stat(int argc, char **argv)
{
        static const struct option opts[] = {
            {"interval", required_argument, NULL, 'i'}, {"watch", optional_argument, NULL, 'w'},
            {"json", no_argument, NULL, 'j'},           {"segment", required_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
        };
        struct stat_ctx s;
        double interval = 1.0;
        bool watch = false;
        int opt, status = 1;
        char err[160];

        memset(&s, 0, sizeof(s));
        optind = 1;
        while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                switch (opt) {
                case 'i':
                        if (!parse_seconds(optarg, &interval)) {
                                fprintf(stderr, PROG ": bad --interval '%s' (seconds > 0)\n",
                                        optarg);
                                return 2;
                        }
                        break;
                case 'w':
                        watch = true;
                        if (optarg && !parse_seconds(optarg, &interval)) {
                                fprintf(stderr, PROG ": bad --watch '%s' (seconds > 0)\n", optarg);
                                return 2;
                        }
                        break;
                case 'j':
                        s.json = true;
                        break;
                case 's':
                        s.segment = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (s.segment && canring_name_check(s.segment)) {
                fprintf(stderr, PROG ": bad segment name '%s'\n", s.segment);
                return 2;
        }
        if (argc > optind) {
                s.nsels = (unsigned)(argc - optind);
                s.sels = calloc(s.nsels, sizeof(*s.sels));
                if (!s.sels)
                        return 1;
                for (unsigned i = 0; i < s.nsels; i++) {
                        if (tool_sel_parse(argv[optind + (int)i], &s.sels[i], err, sizeof(err)) ||
                            s.sels[i].filtered) {
                                fprintf(stderr, PROG ": bad channel '%s' (an interface name)\n",
                                        argv[optind + (int)i]);
                                free(s.sels);
                                return 2;
                        }
                }
        }
        tool_signals_install();
        if (tool_attach(PROG, s.segment, 0, &s.c)) {
                free(s.sels);
                return 1;
        }
        if (tool_chans_load(&s.chans, s.c) ||
            !(s.cur = calloc(s.chans.n ? s.chans.n : 1, sizeof(*s.cur)))) {
                fprintf(stderr, PROG ": out of memory\n");
                goto out;
        }
        for (unsigned i = 0; i < s.nsels; i++) {
                if (tool_sel_resolve(&s.sels[i], &s.chans)) {
                        fprintf(stderr, PROG ": segment '%s' has no channel '%s'\n",
                                s.segment ? s.segment : CANRING_DEFAULT_NAME,
                                s.sels[i].spec.ifname);
                        goto out;
                }
        }
        do {
                if (sample(&s, interval))
                        goto out;
                if (s.json)
                        print_json(&s);
                else
                        print_table(&s, watch);
                fflush(stdout);
        } while (watch && !s.ended && !tool_stop_requested());
        status = 0;
out:
        free(s.cur);
        tool_chans_free(&s.chans);
        canring_consumer_detach(s.c);
        free(s.sels);
        return status;
}

/* SPDX-License-Identifier: MIT */
/*
 * canring-check: a consumer of the public C API that checks, frame by frame, what the service
 * delivered from traffic that cangen made with `-I i -D i` (incrementing id and data): every frame
 * in order and intact, per channel. Used by the lab cases of the engine.
 *
 * canring-check --segment NAME --frames N [--channels IF,IF..] [--idle-ms MS] [--any-pattern]
 *               [--tethered] [--ready FILE] [--print]
 *
 * Exits 0 when every listed channel (or, without --channels, the channels that saw traffic)
 * received exactly N frames with no pattern error; prints one summary line per channel, then
 * `wakes=W first_wake_frames=F max_wake_frames=M` (waits that brought frames, and how many the
 * first and the biggest of them brought).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canring/canring.h"

#define MAX_CHANNELS 512

struct chan_state {
        char name[16];
        bool wanted;
        uint64_t frames, fd_frames, error_frames, rtr_frames, own_frames;
        uint64_t pattern_errors, socket_drops, if_drops, events_down, events_up;
        bool have_last;
        canid_t last_id;
        uint64_t last_counter;
        unsigned last_len;
};

static struct chan_state chans[MAX_CHANNELS];
/* Waits that brought frames, and the frames of the first and of the biggest. */
static uint64_t wakes, first_wake_frames, max_wake_frames;

static uint64_t total_frames(void)
{
        uint64_t sum = 0;

        for (unsigned i = 0; i < MAX_CHANNELS; i++)
                sum += chans[i].frames;
        return sum;
}

static uint64_t counter_of(const struct canring_record *r, unsigned len)
{
        const uint8_t *d = canring_record_data(r);
        uint64_t v = 0;

        for (unsigned i = 0; i < len && i < 8; i++)
                v |= (uint64_t)d[i] << (8 * i);
        return v;
}

/* cangen -I i -D i: id + 1 (wrapping at the id width), data counter + 1 (wrapping at its width). */
static bool follows(struct chan_state *c, const struct canring_record *r)
{
        canid_t id = canring_record_can_id(r);
        unsigned len = canring_record_len(r);
        canid_t mask = (id & CAN_EFF_FLAG) ? CAN_EFF_MASK : CAN_SFF_MASK;
        unsigned width = len < 8 ? len : 8;
        uint64_t cmask = width == 8 ? UINT64_MAX : ((1ull << (8 * width)) - 1);
        bool ok = true;

        if (c->have_last) {
                ok = ((c->last_id + 1) & mask) == (id & mask) && len == c->last_len &&
                     (width == 0 || ((c->last_counter + 1) & cmask) == counter_of(r, width)) &&
                     (id & CAN_EFF_FLAG) == (c->last_id & CAN_EFF_FLAG);
        }
        c->have_last = true;
        c->last_id = id;
        c->last_len = len;
        c->last_counter = counter_of(r, width);
        return ok;
}

static void usage(void)
{
        fprintf(stderr, "usage: canring-check --segment NAME --frames N [--channels IF,..] "
                        "[--idle-ms MS] [--any-pattern] [--tethered] [--ready FILE] [--print] "
                        "[--coalesce-us US]\n");
        exit(2);
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"segment", required_argument, 0, 's'},     {"frames", required_argument, 0, 'n'},
            {"channels", required_argument, 0, 'c'},    {"idle-ms", required_argument, 0, 'i'},
            {"any-pattern", no_argument, 0, 'a'},       {"tethered", no_argument, 0, 't'},
            {"ready", required_argument, 0, 'r'},       {"print", no_argument, 0, 'p'},
            {"coalesce-us", required_argument, 0, 'C'}, {0, 0, 0, 0},
        };
        const char *segment = NULL, *ready = NULL;
        char *channels = NULL;
        uint64_t want = 0;
        int idle_ms = 5000, opt, rc;
        unsigned coalesce_us = 0;
        bool check_pattern = true, print = false, ended = false, all_done = false;
        struct canring_consumer_options co = {0};
        struct canring_consumer *c;
        unsigned nwanted = 0, nchan;

        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (opt) {
                case 's':
                        segment = optarg;
                        break;
                case 'n':
                        want = strtoull(optarg, NULL, 0);
                        break;
                case 'c':
                        channels = optarg;
                        break;
                case 'i':
                        idle_ms = atoi(optarg);
                        break;
                case 'a':
                        check_pattern = false;
                        break;
                case 't':
                        co.flags |= CANRING_CONSUMER_TETHERED;
                        break;
                case 'r':
                        ready = optarg;
                        break;
                case 'p':
                        print = true;
                        break;
                case 'C':
                        coalesce_us = (unsigned)strtoul(optarg, NULL, 0);
                        break;
                default:
                        usage();
                }
        }
        if (!segment || !want)
                usage();
        rc = canring_consumer_attach(segment, &co, &c);
        if (rc < 0) {
                fprintf(stderr, "canring-check: attach '%s': %s\n", segment, canring_strerror(rc));
                return 1;
        }
        canring_consumer_set_coalesce(c, coalesce_us);
        nchan = canring_consumer_nchannels(c);
        if (nchan > MAX_CHANNELS)
                nchan = MAX_CHANNELS;
        for (char *tok = channels ? strtok(channels, ",") : NULL; tok; tok = strtok(NULL, ",")) {
                bool found = false;

                for (unsigned i = 0; i < nchan; i++) {
                        struct canring_channel_info info;

                        if (canring_consumer_channel(c, i, &info, NULL) == 0 &&
                            strcmp(info.name, tok) == 0) {
                                chans[i].wanted = found = true;
                                nwanted++;
                        }
                }
                if (!found) {
                        fprintf(stderr, "canring-check: no channel '%s' in the segment\n", tok);
                        return 1;
                }
        }
        if (ready) {
                FILE *f = fopen(ready, "w");

                if (f)
                        fclose(f);
        }

        while (!all_done && !ended) {
                const struct canring_record *recs[256];
                int n;

                rc = canring_consumer_wait(c, idle_ms);
                if (rc == -ETIMEDOUT) {
                        fprintf(stderr, "canring-check: no record for %d ms\n", idle_ms);
                        break;
                }
                if (rc < 0 && rc != -EPIPE) {
                        fprintf(stderr, "canring-check: wait: %s\n", canring_strerror(rc));
                        break;
                }
                if (rc == -EPIPE)
                        ended = true; /* read what is left, then stop */
                uint64_t frames_before = total_frames();
                while ((n = canring_consumer_read(c, recs, 256)) > 0) {
                        for (int i = 0; i < n; i++) {
                                const struct canring_record *r = recs[i];
                                unsigned ch = r->channel < MAX_CHANNELS ? r->channel : 0;
                                struct chan_state *s = &chans[ch];
                                const struct canring_event *ev = canring_record_event(r);

                                if (ev) {
                                        if (ev->type == CANRING_EVENT_SOCKET_DROP)
                                                s->socket_drops += ev->value[0];
                                        else if (ev->type == CANRING_EVENT_IF_DROP)
                                                s->if_drops += ev->value[0];
                                        else if (ev->type == CANRING_EVENT_IF_DOWN)
                                                s->events_down++;
                                        else if (ev->type == CANRING_EVENT_IF_UP)
                                                s->events_up++;
                                        else if (ev->type == CANRING_EVENT_END_OF_STREAM)
                                                ended = true;
                                        if (print)
                                                printf("event ch%u type %u %llu %llu\n", ch,
                                                       ev->type, (unsigned long long)ev->value[0],
                                                       (unsigned long long)ev->value[1]);
                                        continue;
                                }
                                s->frames++;
                                if (r->kind == CANRING_KIND_FD)
                                        s->fd_frames++;
                                if (r->kind == CANRING_KIND_ERROR)
                                        s->error_frames++;
                                if (canring_record_can_id(r) & CAN_RTR_FLAG)
                                        s->rtr_frames++;
                                if (r->flags & CANRING_FLAG_TX)
                                        s->own_frames++;
                                if (check_pattern && r->kind != CANRING_KIND_ERROR &&
                                    !follows(s, r)) {
                                        if (s->pattern_errors < 5)
                                                fprintf(stderr,
                                                        "canring-check: ch%u frame %llu breaks the "
                                                        "sequence (id %x len %u)\n",
                                                        ch, (unsigned long long)s->frames,
                                                        canring_record_can_id(r),
                                                        canring_record_len(r));
                                        s->pattern_errors++;
                                }
                                if (print)
                                        printf("frame ch%u kind %u id %x len %u flags %x\n", ch,
                                               r->kind, canring_record_can_id(r),
                                               canring_record_len(r), r->flags);
                        }
                        if (canring_consumer_release(c) == -ESTALE)
                                fprintf(stderr, "canring-check: lapped: a batch was overwritten\n");
                }
                /* A wait that brought frames: how often, and how many the first one did (a reader
                 * woken only when the stream ends gets them all at once). */
                uint64_t got = total_frames() - frames_before;

                if (got && wakes++ == 0)
                        first_wake_frames = got;
                if (got > max_wake_frames)
                        max_wake_frames = got;
                /* Done when every wanted channel (or every channel with traffic) has its frames. */
                all_done = true;
                for (unsigned i = 0; i < nchan; i++) {
                        bool counts = nwanted ? chans[i].wanted : chans[i].frames > 0;

                        if (counts && chans[i].frames < want)
                                all_done = false;
                }
                if (!nwanted) {
                        bool any = false;

                        for (unsigned i = 0; i < nchan; i++)
                                any |= chans[i].frames > 0;
                        all_done = all_done && any;
                }
        }

        int failed = 0;
        uint64_t lost = canring_consumer_lost(c);

        for (unsigned i = 0; i < nchan; i++) {
                struct canring_channel_info info;
                bool counts = nwanted ? chans[i].wanted : chans[i].frames > 0;

                if (!counts && !chans[i].events_down && !chans[i].events_up)
                        continue;
                canring_consumer_channel(c, i, &info, NULL);
                printf("%s frames=%llu fd=%llu error=%llu rtr=%llu own=%llu pattern_errors=%llu "
                       "socket_drops=%llu if_drops=%llu if_down=%llu if_up=%llu\n",
                       info.name, (unsigned long long)chans[i].frames,
                       (unsigned long long)chans[i].fd_frames,
                       (unsigned long long)chans[i].error_frames,
                       (unsigned long long)chans[i].rtr_frames,
                       (unsigned long long)chans[i].own_frames,
                       (unsigned long long)chans[i].pattern_errors,
                       (unsigned long long)chans[i].socket_drops,
                       (unsigned long long)chans[i].if_drops,
                       (unsigned long long)chans[i].events_down,
                       (unsigned long long)chans[i].events_up);
                if (counts && (chans[i].frames != want || chans[i].pattern_errors))
                        failed = 1;
        }
        printf("wakes=%llu first_wake_frames=%llu max_wake_frames=%llu\n",
               (unsigned long long)wakes, (unsigned long long)first_wake_frames,
               (unsigned long long)max_wake_frames);
        printf("ring_lost=%llu\n", (unsigned long long)lost);
        canring_consumer_detach(c);
        return failed || lost ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * e2e-consumer: the canring consumer of the end-to-end benchmark. It reads the stream through the
 * public C API as any analytics process would, touches every record, and accounts for it:
 *
 *   e2e-consumer --segment NAME [--ready FILE] [--coalesce-us US] [--tethered] [--cpu N]
 *
 * Reads until the stream ends or SIGINT/SIGTERM, then prints one JSON line: per channel the
 * frames read, the socket drops reported by SOCKET_DROP events and by the service's counter, the
 * frames the service could not publish (ring back-pressure) and the interface's own drops; the
 * records this consumer lost to overrun; latency from the software receive timestamp to the read.
 * --cpu pins it to one CPU, for measuring where a reader runs relative to the engine thread
 * (`canring run --cpu`).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canring/canring.h"
#include "e2e_common.h"

#define MAX_CHANNELS 512
#define BATCH        256

/* Wake-up coalescing as the canring tools use it: one wake-up collects a batch. */
#define DEFAULT_COALESCE_US 1000

struct chan_count {
        uint64_t frames, drop_events, if_drop_events;
};

static struct chan_count counts[MAX_CHANNELS];
static struct e2e_hist hist;

static void usage(void)
{
        fprintf(stderr, "usage: e2e-consumer --segment NAME [--ready FILE] [--coalesce-us US] "
                        "[--tethered] [--cpu N]\n");
        exit(2);
}

/* Reads every batch available; returns true once the end of the stream was read. */
static bool drain(struct canring_consumer *c, uint64_t *checksum)
{
        const struct canring_record *recs[BATCH];
        bool ended = false;
        int n;

        while ((n = canring_consumer_read(c, recs, BATCH)) > 0) {
                uint64_t now = e2e_now_ns(), sum = 0;

                for (int i = 0; i < n; i++) {
                        const struct canring_record *r = recs[i];
                        const struct canring_event *ev = canring_record_event(r);
                        struct chan_count *cc = &counts[r->channel % MAX_CHANNELS];

                        if (ev) {
                                if (ev->type == CANRING_EVENT_SOCKET_DROP)
                                        cc->drop_events += ev->value[0];
                                else if (ev->type == CANRING_EVENT_IF_DROP)
                                        cc->if_drop_events += ev->value[0];
                                else if (ev->type == CANRING_EVENT_END_OF_STREAM)
                                        ended = true;
                                continue;
                        }
                        cc->frames++;
                        /* Touch the frame as a real consumer would, so its cache misses count. */
                        sum += canring_record_can_id(r) + canring_record_len(r);
                        e2e_hist_add(&hist, (int64_t)(now - r->sw_ts_ns));
                }
                /* A lapped batch is discarded; the API counts its records as lost. Undo what was
                 * counted from it: those frames were not received. */
                if (canring_consumer_release(c) == -ESTALE) {
                        for (int i = 0; i < n; i++)
                                if (!canring_record_event(recs[i]))
                                        counts[recs[i]->channel % MAX_CHANNELS].frames--;
                }
                *checksum += sum;
        }
        return ended;
}

/* Pins the process to CPU SPEC; returns non-zero, having said why, if it cannot. */
static int pin_to(const char *spec)
{
        char *end;
        unsigned long cpu = strtoul(spec, &end, 10);
        cpu_set_t set;

        if (!*spec || *end || cpu >= CPU_SETSIZE) {
                fprintf(stderr, "e2e-consumer: --cpu %s: not a CPU number\n", spec);
                return 1;
        }
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof(set), &set)) {
                fprintf(stderr, "e2e-consumer: --cpu %s: %s\n", spec, strerror(errno));
                return 1;
        }
        return 0;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"segment", required_argument, 0, 's'},     {"ready", required_argument, 0, 'r'},
            {"coalesce-us", required_argument, 0, 'C'}, {"tethered", no_argument, 0, 't'},
            {"cpu", required_argument, 0, 'c'},         {0, 0, 0, 0}};
        struct canring_consumer_options co = {0};
        const char *segment = NULL, *ready = NULL;
        unsigned coalesce = DEFAULT_COALESCE_US, nchan;
        struct canring_consumer *c;
        uint64_t checksum = 0;
        bool ended = false;
        int opt, rc;

        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                if (opt == 's')
                        segment = optarg;
                else if (opt == 'r')
                        ready = optarg;
                else if (opt == 'C')
                        coalesce = (unsigned)strtoul(optarg, NULL, 0);
                else if (opt == 't')
                        co.flags |= CANRING_CONSUMER_TETHERED;
                else if (opt == 'c') {
                        if (pin_to(optarg))
                                return 1;
                } else
                        usage();
        }
        if (!segment || optind != argc)
                usage();
        e2e_stop_on_signals();
        rc = canring_consumer_attach(segment, &co, &c);
        if (rc < 0) {
                fprintf(stderr, "e2e-consumer: attach '%s': %s\n", segment, canring_strerror(rc));
                return 1;
        }
        canring_consumer_set_coalesce(c, coalesce);
        if (ready) {
                FILE *f = fopen(ready, "w");

                if (f)
                        fclose(f);
        }
        while (!ended && !e2e_stop) {
                rc = canring_consumer_wait(c, 200);
                if (rc < 0 && rc != -ETIMEDOUT && rc != -EINTR) {
                        ended = true; /* the producer is gone or ended: read what is left */
                        drain(c, &checksum);
                        break;
                }
                ended = drain(c, &checksum);
        }
        if (!ended)
                drain(c, &checksum);

        nchan = canring_consumer_nchannels(c);
        if (nchan > MAX_CHANNELS)
                nchan = MAX_CHANNELS;
        uint64_t total = 0, drops = 0, ring_drops = 0, if_drops = 0;

        printf("{\"receiver\":\"canring-consumer\",\"pid\":%d,\"channels\":[", (int)getpid());
        for (unsigned i = 0; i < nchan; i++) {
                struct canring_channel_info info;
                struct canring_channel_counters k;

                if (canring_consumer_channel(c, i, &info, &k) < 0)
                        continue;
                /* The service's counter is its running total; events may lag behind it. */
                uint64_t d =
                    k.socket_drops > counts[i].drop_events ? k.socket_drops : counts[i].drop_events;
                printf("%s{\"if\":\"%s\",\"received\":%llu,\"socket_drops\":%llu,"
                       "\"socket_drop_events\":%llu,\"ring_drops\":%llu,\"if_drops\":%llu,"
                       "\"published\":%llu}",
                       i ? "," : "", info.name, (unsigned long long)counts[i].frames,
                       (unsigned long long)d, (unsigned long long)counts[i].drop_events,
                       (unsigned long long)k.ring_drops,
                       (unsigned long long)counts[i].if_drop_events, (unsigned long long)k.frames);
                total += counts[i].frames;
                drops += d;
                ring_drops += k.ring_drops;
                if_drops += counts[i].if_drop_events;
        }
        printf("],\"received\":%llu,\"socket_drops\":%llu,\"ring_drops\":%llu,\"if_drops\":%llu,"
               "\"ring_lost\":%llu,\"ended\":%s,\"checksum\":%llu,",
               (unsigned long long)total, (unsigned long long)drops, (unsigned long long)ring_drops,
               (unsigned long long)if_drops, (unsigned long long)canring_consumer_lost(c),
               ended ? "true" : "false", (unsigned long long)checksum);
        e2e_print_latency(&hist);
        printf("}\n");
        canring_consumer_detach(c);
        return 0;
}

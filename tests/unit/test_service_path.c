/* SPDX-License-Identifier: MIT */
/*
 * The service's whole receive path on a host without SocketCAN: canring_service_create() with
 * stand-in channels (datagram socketpairs with the receive options a CAN_RAW channel gets), a
 * sender writing a numbered stream to each (the engine tests' frames: classic and FD, standard
 * and extended ids, test_engine_harness.h), and a reader of the public consumer API in another
 * thread. Every frame must come out once, intact and in order per channel, and the service must
 * count it. The lab cases test the same on real SocketCAN; this one runs
 * everywhere, sanitizers included.
 *
 * It doubles as a profiling driver for machines without CAN (docs/benchmarks.md):
 *   test_service_path [--frames N] [--channels N]      (defaults 20000 and 4)
 * then, for example, `perf record -e cpu-clock -- test_service_path --frames 1000000`.
 */
#include "test_engine_harness.h"

#include <getopt.h>
#include <linux/can.h>
#include <net/if.h>

#include "canring/consumer.h"
#include "canring/error.h"
#include "service.h"

#define SEGMENT  "svcpath"
#define MAX_CH   64
#define RCVBUF   (4 << 20)
#define READ_MAX 256

struct path {
        unsigned nch;
        uint32_t per_ch;
        int tx[MAX_CH]; /* the sender's ends, by channel */
        unsigned nopen;
        struct canring_service *svc;
        /* the reader's findings */
        uint32_t next[MAX_CH];
        uint64_t events;
        uint64_t counted[MAX_CH]; /* the service's frame counter of each channel, at the end */
        uint64_t counted_drops;   /* ... and its socket and ring drops, all channels */
        int attached;             /* atomic: the reader is attached (it reads from then on) */
};

/*
 * The stand-in opener: the engine tests' socket pair (timestamps on), plus the other receive
 * options of a CAN_RAW channel that a datagram socket has (the drop counter, a big buffer). A
 * unix datagram sender blocks while the queue is full, so nothing is dropped.
 */
static int standin_open(void *ctx, const struct engine_channel_config *cfg,
                        struct engine_channel_info *info, char *err, size_t errlen)
{
        struct path *p = ctx;
        struct harness_pair pair = harness_pair_open();
        int one = 1, size = RCVBUF;

        (void)cfg;
        if (setsockopt(pair.rx, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) < 0) {
                snprintf(err, errlen, "SO_RXQ_OVFL: %s", strerror(errno));
                close(pair.rx);
                close(pair.tx);
                return -EINVAL;
        }
        /* Best effort: without privilege the default buffer only slows the sender down. */
        (void)setsockopt(pair.rx, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
        p->tx[p->nopen++] = pair.tx;
        info->ifindex = (int)if_nametoindex("lo");
        info->mtu = CANFD_MTU;
        return pair.rx;
}

static void *service_thread(void *arg)
{
        struct path *p = arg;
        char err[256];

        if (canring_service_run(p->svc, err, sizeof(err)) < 0)
                FAIL("service run: %s", err);
        return NULL;
}

static void check_record(struct path *p, const struct canring_record *r)
{
        struct canfd_frame want;
        unsigned ch = r->channel;

        if (ch >= p->nch)
                FAIL("record on channel %u of %u", ch, p->nch);
        if (p->next[ch] >= p->per_ch)
                FAIL("channel %u: more than %u frames", ch, p->per_ch);
        size_t mtu = harness_frame(ch, p->next[ch], &want);
        bool fd = mtu == CANFD_MTU;
        /* The record keeps the frame as the socket gave it: can_frame or canfd_frame bytes. */
        const void *got = fd ? (const void *)&r->canfd : (const void *)&r->can;

        if (canring_record_kind(r) != (fd ? CANRING_KIND_FD : CANRING_KIND_CLASSIC) ||
            memcmp(got, &want, mtu) != 0)
                FAIL("channel %u: frame %u arrived wrong or out of order (id %08x, len %u)", ch,
                     p->next[ch], canring_record_can_id(r), canring_record_len(r));
        if (!r->sw_ts_ns)
                FAIL("channel %u: frame %u has no software timestamp", ch, p->next[ch]);
        p->next[ch]++;
}

static void *reader_thread(void *arg)
{
        struct path *p = arg;
        struct canring_consumer_options co = {0};
        const struct canring_record *recs[READ_MAX];
        struct canring_consumer *c;
        uint64_t got = 0, want = (uint64_t)p->nch * p->per_ch;
        int rc;

        rc = canring_consumer_attach(SEGMENT, &co, &c);
        if (rc < 0)
                FAIL("attach: %s", canring_strerror(rc));
        /* release: pairs with the sender's acquire; nothing is sent before we read */
        __atomic_store_n(&p->attached, 1, __ATOMIC_RELEASE);
        while (got < want) {
                rc = canring_consumer_wait(c, 5000);
                if (rc == -ETIMEDOUT)
                        FAIL("stalled at %llu of %llu frames", (unsigned long long)got,
                             (unsigned long long)want);
                if (rc < 0 && rc != -EINTR)
                        FAIL("wait: %s", canring_strerror(rc));
                int n;
                while ((n = canring_consumer_read(c, recs, READ_MAX)) > 0) {
                        for (int i = 0; i < n; i++) {
                                if (canring_record_event(recs[i])) {
                                        p->events++;
                                        continue;
                                }
                                check_record(p, recs[i]);
                                got++;
                        }
                        if (canring_consumer_release(c) < 0)
                                FAIL("the reader was lapped: frames lost");
                }
        }
        /* The control thread publishes the counters on its tick (at most a second apart): wait
         * until every channel's count has caught up with what was read, or 5 s. */
        for (int tries = 0; tries < 100; tries++) {
                bool all = true;

                p->counted_drops = 0;
                for (unsigned ch = 0; ch < p->nch; ch++) {
                        struct canring_channel_counters k;

                        if (canring_consumer_channel(c, ch, NULL, &k) < 0)
                                FAIL("channel %u: no counters", ch);
                        p->counted[ch] = k.frames;
                        p->counted_drops += k.socket_drops + k.ring_drops;
                        all = all && k.frames >= p->per_ch;
                }
                if (all)
                        break;
                usleep(50000);
        }
        canring_consumer_detach(c);
        return NULL;
}

static void run(unsigned nch, uint32_t per_ch)
{
        static struct canring_service_config cfg;
        struct path *p = calloc(1, sizeof(*p));
        pthread_t st, rt;
        char err[512];
        int rc;

        if (!p)
                FAIL("calloc");
        p->nch = nch;
        p->per_ch = per_ch;
        canring_service_config_init(&cfg);
        snprintf(cfg.segment, sizeof(cfg.segment), "%s", SEGMENT);
        cfg.nchannels = nch;
        cfg.fd = true; /* the stream mixes classic and FD frames */
        cfg.quiet = true;
        for (unsigned i = 0; i < nch; i++) {
                memset(&cfg.channels[i], 0, sizeof(cfg.channels[i]));
                snprintf(cfg.channels[i].ifname, sizeof(cfg.channels[i].ifname), "lo");
        }
        rc = canring_service_create(&cfg, standin_open, p, &p->svc, err, sizeof(err));
        if (rc == -EOPNOTSUPP) {
                printf("SKIP: %s\n", err);
                exit(77);
        }
        if (rc < 0)
                FAIL("service create: %s", err);
        if (p->nopen != nch)
                FAIL("%u channels opened, expected %u", p->nopen, nch);
        if (pthread_create(&st, NULL, service_thread, p) ||
            pthread_create(&rt, NULL, reader_thread, p))
                FAIL("pthread_create");

        /* A reader starts at the newest record: send only once it is there. */
        while (!__atomic_load_n(&p->attached, __ATOMIC_ACQUIRE))
                usleep(1000);
        /* Round-robin over the channels, as several buses would interleave. */
        for (uint32_t seq = 0; seq < per_ch; seq++)
                for (unsigned ch = 0; ch < nch; ch++)
                        harness_send(p->tx[ch], ch, seq);
        pthread_join(rt, NULL);
        canring_service_stop(p->svc);
        pthread_join(st, NULL);

        for (unsigned ch = 0; ch < nch; ch++)
                if (p->counted[ch] != per_ch)
                        FAIL("channel %u: the service counted %llu frames, %u were sent", ch,
                             (unsigned long long)p->counted[ch], per_ch);
        if (p->counted_drops)
                FAIL("the service counted %llu drops where nothing can be lost",
                     (unsigned long long)p->counted_drops);
        if (p->events)
                FAIL("%llu events (drops or gaps) where nothing can be lost",
                     (unsigned long long)p->events);
        canring_service_report_engine(p->svc, stdout);
        printf("%u channels x %u frames, classic and FD, every one once, intact, in order\n", nch,
               per_ch);
        canring_service_destroy(p->svc);
        for (unsigned ch = 0; ch < nch; ch++)
                close(p->tx[ch]);
        free(p);
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {{"frames", required_argument, 0, 'n'},
                                             {"channels", required_argument, 0, 'c'},
                                             {0, 0, 0, 0}};
        unsigned long frames = 20000, nch = 4;
        char dir[] = "/tmp/canring-path.XXXXXX";
        int opt;

        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                if (opt == 'n')
                        frames = strtoul(optarg, NULL, 10);
                else if (opt == 'c')
                        nch = strtoul(optarg, NULL, 10);
                else
                        FAIL("usage: %s [--frames N] [--channels N]", argv[0]);
        }
        if (nch < 1 || nch > MAX_CH || frames < nch || frames / nch > UINT32_MAX)
                FAIL("--channels 1..%u, --frames at least one per channel", MAX_CH);
        if (!mkdtemp(dir))
                FAIL("mkdtemp: %s", strerror(errno));
        setenv("CANRING_SHM_DIR", dir, 1);
        run((unsigned)nch, (uint32_t)(frames / nch));
        rmdir(dir);
        return 0;
}

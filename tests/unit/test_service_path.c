/* SPDX-License-Identifier: MIT */
/*
 * The service's whole receive path on a host without SocketCAN: canring_service_create() with
 * stand-in channels (datagram socketpairs with the receive options a CAN_RAW channel gets), a
 * sender writing a numbered stream to each, and a reader of the public consumer API in another
 * thread. Every frame must come out once, intact and in order per channel, classic and FD, and
 * the service must count it. The lab cases test the same on real SocketCAN; this one runs
 * everywhere, sanitizers included.
 *
 * It doubles as a profiling driver for machines without CAN (docs/benchmarks.md):
 *   test_service_path [--frames N] [--channels N]      (defaults 20000 and 4)
 * then, for example, `perf record -e cpu-clock -- test_service_path --frames 1000000`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/can.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "canring/consumer.h"
#include "canring/error.h"
#include "service.h"

#define FAIL(...)                                                                                  \
        do {                                                                                       \
                fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                               \
                fprintf(stderr, __VA_ARGS__);                                                      \
                fprintf(stderr, "\n");                                                             \
                exit(1);                                                                           \
        } while (0)

#define SEGMENT  "svcpath"
#define MAX_CH   64
#define RCVBUF   (4 << 20)
#define READ_MAX 256

struct path {
        bool fd;
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
 * The stand-in opener: the service's end of a socketpair, with the receive options the CAN_RAW
 * opener sets that a datagram socket has (nanosecond timestamps, the drop counter, a big
 * buffer). A unix datagram sender blocks while the queue is full, so nothing is dropped.
 */
static int standin_open(void *ctx, const struct engine_channel_config *cfg,
                        struct engine_channel_info *info, char *err, size_t errlen)
{
        struct path *p = ctx;
        int sv[2], one = 1, size = RCVBUF;

        (void)cfg;
        if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) {
                snprintf(err, errlen, "socketpair: %s", strerror(errno));
                return -errno;
        }
        if (setsockopt(sv[0], SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0 ||
            setsockopt(sv[0], SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) < 0) {
                snprintf(err, errlen, "setsockopt: %s", strerror(errno));
                close(sv[0]);
                close(sv[1]);
                return -EINVAL;
        }
        /* Best effort: without privilege the default buffer only slows the sender down. */
        (void)setsockopt(sv[0], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
        p->tx[p->nopen++] = sv[1];
        info->ifindex = (int)if_nametoindex("lo");
        info->mtu = p->fd ? CANFD_MTU : CAN_MTU;
        return sv[0];
}

static void *service_thread(void *arg)
{
        struct path *p = arg;
        char err[256];

        if (canring_service_run(p->svc, err, sizeof(err)) < 0)
                FAIL("service run: %s", err);
        return NULL;
}

/* Frame seq of a channel: id and the first four data bytes carry seq, the rest is fixed. */
static void make_frame(struct canfd_frame *f, bool fd, uint32_t seq)
{
        memset(f, 0, sizeof(*f));
        f->can_id = seq & CAN_SFF_MASK;
        f->len = fd ? 64 : 8;
        memcpy(f->data, &seq, sizeof(seq));
        for (unsigned i = sizeof(seq); i < f->len; i++)
                f->data[i] = (uint8_t)(0xa0 + i);
}

static void check_record(struct path *p, const struct canring_record *r)
{
        struct canfd_frame want;
        unsigned ch = r->channel;

        if (ch >= p->nch)
                FAIL("record on channel %u of %u", ch, p->nch);
        if (p->next[ch] >= p->per_ch)
                FAIL("channel %u: more than %u frames", ch, p->per_ch);
        make_frame(&want, p->fd, p->next[ch]);
        unsigned len = canring_record_len(r);
        const uint8_t *data = p->fd ? r->canfd.data : r->can.data;

        if (canring_record_can_id(r) != want.can_id || len != want.len ||
            memcmp(data, want.data, len) != 0)
                FAIL("channel %u: frame %u arrived wrong or out of order (id %03x, len %u)", ch,
                     p->next[ch], canring_record_can_id(r), len);
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

static void run(unsigned nch, uint32_t per_ch, bool fd)
{
        static struct canring_service_config cfg;
        struct path *p = calloc(1, sizeof(*p));
        pthread_t st, rt;
        char err[512];
        int rc;

        if (!p)
                FAIL("calloc");
        p->fd = fd;
        p->nch = nch;
        p->per_ch = per_ch;
        canring_service_config_init(&cfg);
        snprintf(cfg.segment, sizeof(cfg.segment), "%s", SEGMENT);
        cfg.nchannels = nch;
        cfg.fd = fd;
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
        size_t mtu = fd ? CANFD_MTU : CAN_MTU;
        for (uint32_t seq = 0; seq < per_ch; seq++) {
                for (unsigned ch = 0; ch < nch; ch++) {
                        struct canfd_frame f;

                        make_frame(&f, fd, seq);
                        if (send(p->tx[ch], &f, mtu, 0) != (ssize_t)mtu)
                                FAIL("send: %s", strerror(errno));
                }
        }
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
        printf("%s: %u channels x %u frames, every one once, intact, in order\n",
               fd ? "FD" : "classic", nch, per_ch);
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
        run((unsigned)nch, (uint32_t)(frames / nch), false);
        run((unsigned)nch, (uint32_t)(frames / nch), true);
        rmdir(dir);
        return 0;
}

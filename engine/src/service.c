/* SPDX-License-Identifier: MIT */
/* The service's life: create (all or nothing), run (engine threads + control loop), stop, destroy.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "canring/error.h"
#include "control.h"
#include "engine_features.h"
#include "service_priv.h"

/* Counters and bus states are refreshed every 100 ms; once a tick finds nothing changed (and no
 * channel is a controller whose bus state can change on its own), every second until something
 * does: an idle service wakes once a second, not ten times. */
#define TICK_NS      100000000
#define IDLE_TICK_NS 1000000000

static void free_service(struct canring_service *svc)
{
        if (svc->shards) {
                for (unsigned i = 0; i < svc->nshards; i++) {
                        if (svc->shards[i].rx)
                                engine_rx_destroy(svc->shards[i].rx); /* closes its sockets */
                        free(svc->shards[i].global);
                }
                free(svc->shards);
        }
        if (svc->channels) {
                for (unsigned i = 0; i < svc->nchannels; i++)
                        free(svc->channels[i].any);
                free(svc->channels);
        }
        svc_control_close(svc);
        canring_if_monitor_close(svc->ifmon);
        if (svc->stop_fd >= 0)
                close(svc->stop_fd);
        if (svc->timer_fd >= 0)
                close(svc->timer_fd);
        if (svc->stats_fd >= 0)
                close(svc->stats_fd);
        free(svc);
}

/*
 * Provided buffers for one engine thread: what its channels can bring during one coalescing sleep
 * at the physical limit of CAN (a saturated 1 Mbit/s bus carries ~21 frames per ms; an `any`
 * channel counts as every interface it may see), twice over. Running short loses nothing (frames
 * wait in the socket queues) but ends the multishot receives, which then cost re-arms.
 */
static unsigned shard_nbufs(const struct canring_service *svc, const struct svc_shard *sh)
{
        uint64_t chans = 0, want, n = ENGINE_RX_DEFAULT_BUFS;

        for (unsigned l = 0; l < sh->nchannels; l++)
                chans += svc->channels[sh->global[l]].spec->any ? CANRING_SERVICE_ANY_SLOTS : 1;
        want = 2 * chans * 22 * svc->cfg.coalesce_us / 1000;
        while (n < want && n < ENGINE_RX_MAX_BUFS)
                n <<= 1;
        return (unsigned)n;
}

/* Channel ch goes to engine thread ch % threads (round-robin sharding). */
static int make_shards(struct canring_service *svc, char *err, size_t errlen)
{
        unsigned t = svc->cfg.threads;
        int rc;

        svc->nshards = t;
        svc->shards = calloc(t, sizeof(*svc->shards));
        if (!svc->shards)
                return -ENOMEM;
        for (unsigned i = 0; i < t; i++) {
                struct svc_shard *sh = &svc->shards[i];

                sh->svc = svc;
                sh->index = i;
                sh->global = calloc(svc->nconfigured / t + 1, sizeof(*sh->global));
                if (!sh->global)
                        return -ENOMEM;
        }
        for (unsigned ch = 0; ch < svc->nconfigured; ch++) {
                struct svc_shard *sh = &svc->shards[ch % t];

                svc->channels[ch].shard = sh->index;
                svc->channels[ch].local = sh->nchannels;
                sh->global[sh->nchannels++] = (uint16_t)ch;
        }
        for (unsigned i = 0; i < t; i++) {
                struct svc_shard *sh = &svc->shards[i];
                struct engine_rx_config rc_cfg = {
                    .nchannels = sh->nchannels ? sh->nchannels : 1,
                    .nbufs = shard_nbufs(svc, sh),
                    .sink = svc_sink,
                    .sink_ctx = sh,
                    .idle = svc_sink_idle,
                    /* --coalesce-us 0 is off; the engine's 0 would be its default. */
                    .coalesce_ns = svc->cfg.coalesce_us ? (uint64_t)svc->cfg.coalesce_us * 1000u
                                                        : ENGINE_RX_COALESCE_OFF,
                    .pin_cpu = i < svc->cfg.ncpus,
                    .cpu = i < svc->cfg.ncpus ? svc->cfg.cpus[i] : 0,
                };

                rc = engine_rx_create(&rc_cfg, &sh->rx);
                if (rc < 0) {
                        snprintf(err, errlen, "engine thread %u: %s", i, strerror(-rc));
                        return rc;
                }
        }
        return 0;
}

int canring_service_create(const struct canring_service_config *cfg, engine_channel_open_fn open,
                           void *open_ctx, struct canring_service **out, char *err, size_t errlen)
{
        struct canring_service *svc;
        struct canring_producer_config pc;
        bool any = false;
        int rc;

        rc = engine_features_require(engine_features_get(), err, errlen);
        if (rc < 0)
                return rc;
        if (cfg->nchannels == 0) {
                snprintf(err, errlen, "no channel given");
                return -EINVAL;
        }
        svc = calloc(1, sizeof(*svc));
        if (!svc)
                return -ENOMEM;
        svc->stop_fd = svc->timer_fd = svc->stats_fd = -1;
        svc->cfg = *cfg;
        svc->open = open;
        svc->open_ctx = open_ctx;
        svc->nconfigured = cfg->nchannels;
        for (unsigned i = 0; i < cfg->nchannels; i++)
                any |= cfg->channels[i].any;
        svc->nchannels = cfg->nchannels + (any ? CANRING_SERVICE_ANY_SLOTS : 0);
        svc->next_dynamic = cfg->nchannels;
        svc->event_ring = cfg->threads;

        rc = -ENOMEM;
        svc->channels = calloc(svc->nchannels, sizeof(*svc->channels));
        if (!svc->channels)
                goto fail;
        for (unsigned i = 0; i < svc->nchannels; i++)
                svc->channels[i].fd = -1;
        for (unsigned i = 0; i < cfg->nchannels; i++) {
                struct svc_channel *c = &svc->channels[i];

                c->spec = &svc->cfg.channels[i];
                snprintf(c->name, sizeof(c->name), "%s", c->spec->ifname);
                if (c->spec->any && !(c->any = calloc(1, sizeof(*c->any))))
                        goto fail;
        }
        rc = make_shards(svc, err, errlen);
        if (rc < 0)
                goto fail;

        /* Every socket before the segment: a bad channel must leave no segment behind. */
        for (unsigned ch = 0; ch < svc->nconfigured; ch++) {
                rc = svc_channel_open(svc, ch, err, errlen);
                if (rc < 0)
                        goto fail;
                svc->channels[ch].up = true;
        }

        memset(&pc, 0, sizeof(pc));
        pc.name = cfg->segment;
        pc.nrings = cfg->threads + 1;
        pc.ring_size = cfg->ring_size;
        pc.nchannels = svc->nchannels;
        pc.max_consumers = cfg->max_consumers;
        /* The engine commits what one iteration reaped in one go and its consumers sleep
         * between batches: a barrier per batch is cheaper than a membarrier per sleep (lab:
         * docs/benchmarks.md, "consumer wake-ups"). */
        pc.flags = CANRING_PRODUCER_FENCED_COMMIT;
        /* All the segment's memory now, not page by page on the engine's path during the first
         * pass of traffic; a full /dev/shm is refused here rather than SIGBUS mid-capture. */
        pc.flags |= CANRING_PRODUCER_PREFAULT;
        /* The sink pays its readers' wake-ups once per span of traffic (wake_span.h), so a
         * reader's own linger after a wake-up would only be a second sleep: tell them. Not with
         * --coalesce-us 0, where every batch wakes them at once. */
        if (cfg->coalesce_us)
                pc.flags |= CANRING_PRODUCER_BATCHED_WAKE;
        rc = canring_producer_create(&pc, &svc->producer);
        if (rc < 0) {
                if (rc == -EBUSY)
                        snprintf(err, errlen,
                                 "segment '%s' belongs to a canring service that is still running "
                                 "(one service per segment name; choose another with --segment)",
                                 cfg->segment);
                else if (rc == -ENOSPC || rc == -ENOMEM)
                        snprintf(err, errlen,
                                 "cannot create segment '%s' (%u rings of %u bytes): %s (is the "
                                 "shared-memory file system full? see --ring-size)",
                                 cfg->segment, cfg->threads + 1, cfg->ring_size,
                                 canring_strerror(rc));
                else
                        snprintf(err, errlen, "cannot create segment '%s': %s", cfg->segment,
                                 canring_strerror(rc));
                goto fail;
        }
        /* After the segment: owning the segment name is what entitles us to its socket name. */
        rc = svc_control_open(svc, err, errlen);
        if (rc < 0)
                goto fail;
        rc = canring_if_monitor_open(&svc->ifmon);
        if (rc < 0) {
                snprintf(err, errlen, "cannot watch interfaces (netlink): %s", strerror(-rc));
                goto fail;
        }
        svc->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        svc->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (svc->stop_fd < 0 || svc->timer_fd < 0) {
                rc = -errno;
                snprintf(err, errlen, "eventfd/timerfd: %s", strerror(errno));
                goto fail;
        }
        /* Interfaces may have changed while we opened them; the monitor catches what follows. */
        svc_channels_resync(svc);
        for (unsigned ch = 0; ch < svc->nconfigured; ch++)
                svc_channel_publish_info(svc, ch);
        *out = svc;
        return 0;

fail:
        if (svc->producer)
                canring_producer_destroy(svc->producer);
        free_service(svc);
        return rc;
}

void canring_service_stop(struct canring_service *svc)
{
        uint64_t one = 1;
        ssize_t n = write(svc->stop_fd, &one, sizeof(one));

        (void)n; /* a full counter already means "stop" */
}

static void stop_engines(struct canring_service *svc, unsigned started)
{
        for (unsigned i = 0; i < started; i++)
                engine_rx_stop(svc->shards[i].rx);
}

/* The control thread's timer ticks every ns from now on. */
static void set_tick(struct canring_service *svc, long ns)
{
        struct itimerspec t = {.it_interval = {ns / 1000000000, ns % 1000000000},
                               .it_value = {ns / 1000000000, ns % 1000000000}};

        timerfd_settime(svc->timer_fd, 0, &t, NULL);
}

int canring_service_run(struct canring_service *svc, char *err, size_t errlen)
{
        unsigned started = 0;
        int rc = 0;

        for (; started < svc->nshards; started++) {
                rc = engine_rx_start(svc->shards[started].rx);
                if (rc < 0) {
                        snprintf(err, errlen, "cannot start engine thread %u: %s", started,
                                 strerror(-rc));
                        break;
                }
        }
        set_tick(svc, TICK_NS);
        while (rc == 0) {
                struct pollfd p[3 + 1 + CTL_MAX_CONNS] = {
                    {.fd = svc->stop_fd, .events = POLLIN},
                    {.fd = canring_if_monitor_fd(svc->ifmon), .events = POLLIN},
                    {.fd = svc->timer_fd, .events = POLLIN},
                };
                unsigned nctl = svc_control_pollfds(svc, p + 3);
                uint64_t ticks;

                if (poll(p, 3 + nctl, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        rc = -errno;
                        snprintf(err, errlen, "poll: %s", strerror(errno));
                        break;
                }
                if (p[0].revents)
                        break;
                if (p[1].revents) {
                        int ret =
                            canring_if_monitor_dispatch(svc->ifmon, svc_channels_on_if_event, svc);
                        if (ret == -ENOBUFS || ret == -EBADMSG)
                                svc_channels_resync(svc); /* events were lost */
                }
                if (p[2].revents && read(svc->timer_fd, &ticks, sizeof(ticks)) > 0 &&
                    svc_channels_tick(svc) == svc->tick_slow) {
                        svc->tick_slow = !svc->tick_slow;
                        set_tick(svc, svc->tick_slow ? IDLE_TICK_NS : TICK_NS);
                }
                svc_control_dispatch(svc, p + 3, nctl);
        }
        svc_control_close(svc); /* no request after the end of the stream; tasks end here */
        stop_engines(svc, started);
        for (unsigned i = 0; i < started; i++) {
                char why[256] = "";
                int jr = engine_rx_join(svc->shards[i].rx, why, sizeof(why));

                if (jr < 0 && rc == 0) {
                        rc = jr;
                        snprintf(err, errlen, "engine thread %u failed: %s", i, why);
                }
        }
        svc_channels_tick(svc); /* final counters */
        canring_producer_end(svc->producer);
        return rc;
}

void canring_service_destroy(struct canring_service *svc)
{
        if (!svc)
                return;
        canring_producer_destroy(svc->producer);
        free_service(svc);
}

void canring_service_report_engine(const struct canring_service *svc, FILE *out)
{
        for (unsigned i = 0; i < svc->nshards; i++) {
                struct engine_rx_stats st;

                engine_rx_get_stats(svc->shards[i].rx, &st);
                fprintf(out,
                        "canring run: engine thread %u: %llu frames in %llu iterations, %llu "
                        "completions, %llu sink calls (largest batch %llu, %llu with "
                        "back-pressure), %llu long lingers (longest %llu us)\n",
                        i, (unsigned long long)st.frames, (unsigned long long)st.iterations,
                        (unsigned long long)st.cqes, (unsigned long long)st.sink_calls,
                        (unsigned long long)st.max_batch, (unsigned long long)st.backpressure,
                        (unsigned long long)st.long_lingers,
                        (unsigned long long)(st.longest_linger_ns / 1000u));
        }
}

void canring_service_report(const struct canring_service *svc, FILE *out)
{
        fprintf(out,
                "canring run: segment '%s', %u channel(s), %u engine thread(s), ring %u bytes\n",
                svc->cfg.segment, svc->nconfigured, svc->nshards, svc->cfg.ring_size);
        for (unsigned ch = 0; ch < svc->nconfigured; ch++) {
                const struct svc_channel *c = &svc->channels[ch];

                fprintf(out,
                        "  channel %u %s: thread %u, ifindex %d, receive buffer %d bytes%s%s%s\n",
                        ch, c->name, c->shard, c->info.ifindex, c->info.rcvbuf,
                        c->info.rcvbuf_forced ? " (forced)" : "", c->info.warning[0] ? "; " : "",
                        c->info.warning);
        }
}

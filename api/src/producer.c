/* SPDX-License-Identifier: MIT */
/*
 * Producer side: segment creation and ownership, reserve/commit, events, channel metadata.
 * Memory ordering follows docs/shm-layout.md; every shared access names its partner.
 */
#define _GNU_SOURCE /* OFD locks, O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "canring/error.h"
#include "canring/producer.h"
#include "shm_layout.h"

struct canring_producer {
        struct canring_producer_hot hot; /* first: what the inline reserve and commit use */
        int fd;
        int ended;
        void *base;
        size_t size;
        struct canring_shm_header *hdr;
        struct canring_shm_channel *chan;
        struct canring_shm_cctl *cctl;
        uint8_t *slots;
        uint32_t slot_size, max_consumers, nchannels; /* (nrings: hot.nrings) */
        dev_t dev;
        ino_t ino;
        char path[PATH_MAX];
        /* On lines of their own (see canring_alloc_private()): commit writes them per batch. */
        _Alignas(CANRING_PRIVATE_ALIGN) struct canring_producer_ring ring[];
};

/* The inline fast paths address tail, intent and records as shm_pos[0], [1] and [2]. */
_Static_assert(offsetof(struct canring_shm_ring, intent) == 8 &&
                   offsetof(struct canring_shm_ring, records) == 16,
               "tail, intent, records are consecutive");
_Static_assert(sizeof(struct canring_producer_ring) == 128, "ring state is 128 bytes");

/* The external definitions of the inline functions of canring/producer.h (C99 inline). */
extern inline int canring_producer_reserve(struct canring_producer *p, unsigned ring,
                                           unsigned nslots, struct canring_batch *b);
extern inline uint32_t canring_producer_publish(const struct canring_producer_hot *h,
                                                struct canring_producer_ring *r,
                                                const struct canring_batch *b);
extern inline int canring_producer_commit(struct canring_producer *p, struct canring_batch *b);
extern inline int canring_producer_commit_deferred(struct canring_producer *p,
                                                   struct canring_batch *b);

static uint64_t new_instance_id(void)
{
        uint64_t id = 0;

        if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
                id = canring_now_ns(CLOCK_REALTIME) ^ ((uint64_t)getpid() << 32);
        return id ? id : 1;
}

static int dir_of(const char *path, char *dir, size_t size)
{
        const char *slash = strrchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : 0;

        if (n + 1 > size)
                return -ENAMETOOLONG;
        memcpy(dir, path, n);
        dir[n] = '\0';
        return 0;
}

/*
 * Puts the fully initialised, locked, unnamed file at `path`. An existing canring segment whose
 * producer is dead is replaced; a live one is not (-EBUSY); a foreign file is left alone
 * (-EBADMSG). The replacement takes the stale segment's lock first, so two producers starting at
 * once cannot both remove it.
 */
static int publish_name(int fd, const char *path)
{
        char proc[64];

        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        for (int tries = 0; tries < 8; tries++) {
                struct stat a, b;
                uint64_t magic = 0;
                int old, ret;

                if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
                        return 0;
                if (errno != EEXIST)
                        return -errno;
                old = open(path, O_RDWR | O_CLOEXEC);
                if (old < 0) {
                        if (errno == ENOENT)
                                continue; /* removed meanwhile: try again */
                        return -errno;
                }
                if (pread(old, &magic, sizeof(magic), 0) != sizeof(magic) ||
                    magic != CANRING_MAGIC) {
                        close(old);
                        return -EBADMSG;
                }
                ret = canring_lock_take(old);
                if (ret) {
                        close(old);
                        return ret; /* -EBUSY: a live producer owns it */
                }
                if (fstat(old, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
                    a.st_dev == b.st_dev)
                        unlink(path);
                close(old); /* drops the stale lock */
        }
        return -EBUSY;
}

static void init_header(struct canring_shm_header *h, const struct canring_geometry *g,
                        uint32_t cfg_flags)
{
        h->layout_version = CANRING_LAYOUT_VERSION;
        h->header_size = CANRING_HDR_SIZE;
        h->segment_size = g->segment_size;
        h->page_size = g->page_size;
        h->nrings = g->nrings;
        h->ring_size = g->ring_size;
        h->nchannels = g->nchannels;
        h->max_consumers = g->max_consumers;
        h->slot_size = g->slot_size;
        h->channels_off = g->channels_off;
        h->rings_off = g->rings_off;
        h->ring_stride = g->ring_stride;
        h->consumers_off = g->consumers_off;
        h->instance_id = new_instance_id();
        h->created_ns = canring_now_ns(CLOCK_REALTIME);
        h->producer_pid = getpid();
        h->state = CANRING_STATE_RUNNING;
        h->flags =
            !(cfg_flags & CANRING_PRODUCER_FENCED_COMMIT) && canring_membarrier_register() == 0
                ? CANRING_HDR_MEMBARRIER
                : 0;
        if (cfg_flags & CANRING_PRODUCER_PREFAULT)
                h->flags |= CANRING_HDR_PREFAULTED;
        if (cfg_flags & CANRING_PRODUCER_BATCHED_WAKE)
                h->flags |= CANRING_HDR_BATCHED_WAKE;
        /* Release: everything above is visible to whoever acquires the magic
         * (canring_header_check). */
        __atomic_store_n(&h->magic, CANRING_MAGIC, __ATOMIC_RELEASE);
}

int canring_producer_create(const struct canring_producer_config *cfg,
                            struct canring_producer **out)
{
        struct canring_geometry g;
        struct canring_producer *p;
        char path[PATH_MAX], dir[PATH_MAX];
        struct stat st;
        int ret, fd;

        if (!cfg || !out ||
            (cfg->flags & ~(uint32_t)(CANRING_PRODUCER_FENCED_COMMIT | CANRING_PRODUCER_PREFAULT |
                                      CANRING_PRODUCER_BATCHED_WAKE)))
                return -EINVAL;
        ret = canring_shm_path(cfg->name, path, sizeof(path));
        if (ret)
                return ret;
        ret = canring_geometry(&g, cfg->nrings, cfg->ring_size, cfg->nchannels, cfg->max_consumers);
        if (ret)
                return ret;
        ret = dir_of(path, dir, sizeof(dir));
        if (ret)
                return ret;

        p = canring_alloc_private(sizeof(*p) + g.nrings * sizeof(p->ring[0]));
        if (!p)
                return -ENOMEM;
        memcpy(p->path, path, sizeof(path));

        /* Unnamed until complete: a consumer can never see a half-built segment. */
        fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0) {
                ret = -errno;
                goto err_free;
        }
        if (fchmod(fd, cfg->mode ? cfg->mode : 0660) < 0 || ftruncate(fd, g.segment_size) < 0 ||
            fstat(fd, &st) < 0) {
                ret = -errno;
                goto err_close;
        }
        ret = canring_lock_take(fd);
        if (ret)
                goto err_close;
        p->base = mmap(NULL, g.segment_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p->base == MAP_FAILED) {
                ret = -errno;
                goto err_close;
        }
        p->fd = fd;
        p->size = g.segment_size;
        /* Every page allocated and mapped before the first write: a file system too small for
         * the segment shows here (populating a page tmpfs cannot hold fails with EFAULT, where a
         * write would raise SIGBUS). A kernel before 5.14 (EINVAL) gets its pages as they are
         * used. */
        if ((cfg->flags & CANRING_PRODUCER_PREFAULT) &&
            madvise(p->base, p->size, MADV_POPULATE_WRITE) < 0 && errno != EINVAL) {
                ret = errno == EFAULT ? -ENOSPC : -errno;
                goto err_unmap;
        }
        p->dev = st.st_dev;
        p->ino = st.st_ino;
        p->hdr = p->base;
        p->chan = (struct canring_shm_channel *)((uint8_t *)p->base + g.channels_off);
        p->cctl = (struct canring_shm_cctl *)((uint8_t *)p->base + g.consumers_off);
        p->slots = (uint8_t *)p->base + g.consumers_off + CANRING_CCTL_SIZE;
        p->slot_size = g.slot_size;
        p->max_consumers = g.max_consumers;
        p->nchannels = g.nchannels;
        for (unsigned i = 0; i < g.nrings; i++) {
                struct canring_producer_ring *r = &p->ring[i];
                uint64_t cap = g.ring_size / CANRING_SLOT_SIZE;

                r->shm = canring_ring_at(p->base, g.rings_off, g.ring_stride, i);
                r->data = canring_ring_data(r->shm);
                r->mask = cap - 1;
                r->max_slots = cap / 2;
                /* 1/64 of the ring (at least 1 slot): a lossy reader is rejected at most that
                 * much early (see docs/shm-layout.md, intent). */
                r->intent_ahead = cap / 64 ? cap / 64 : 1;
                r->shm_pos = &r->shm->tail;
                r->tethered_gen = &p->cctl->tethered_gen;
                r->limit = UINT64_MAX; /* no tethered consumer can exist before the name does */
        }
        init_header(p->hdr, &g, cfg->flags);
        p->hot.ring = p->ring;
        p->hot.waiters = &p->cctl->waiters;
        p->hot.nrings = g.nrings;
        p->hot.membarrier = !!(p->hdr->flags & CANRING_HDR_MEMBARRIER);

        ret = publish_name(fd, path);
        if (ret)
                goto err_unmap;
        *out = p;
        return 0;

err_unmap:
        munmap(p->base, p->size);
err_close:
        close(fd);
err_free:
        free(p);
        return ret;
}

static struct canring_shm_slot *slot_at(struct canring_producer *p, unsigned i)
{
        return (struct canring_shm_slot *)(p->slots + (size_t)p->slot_size * i);
}

static int pid_alive(int32_t pid)
{
        return kill(pid, 0) == 0 || errno != ESRCH;
}

/*
 * Recomputes how far the ring may be written: a slot may be overwritten once every tethered
 * consumer has released it. Every `check_dead`-th time, tethered consumers whose process is gone
 * lose their tether (a dead reader must not stop the engine for ever).
 */
static void refresh_limit(struct canring_producer *p, unsigned ring, int check_dead)
{
        struct canring_producer_ring *r = &p->ring[ring];
        uint64_t min = UINT64_MAX;

        for (unsigned i = 0; i < p->max_consumers; i++) {
                struct canring_shm_slot *s = slot_at(p, i);
                /* Acquire: partner of the consumer's CAS claiming the slot. */
                int32_t pid = __atomic_load_n(&s->pid, __ATOMIC_ACQUIRE);
                uint64_t head;

                if (!pid || !(__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) & CANRING_SLOT_TETHERED))
                        continue;
                if (!(__atomic_load_n(&s->rings, __ATOMIC_RELAXED) & (1ull << ring)))
                        continue;
                if (check_dead && !pid_alive(pid)) {
                        __atomic_and_fetch(&s->flags, ~(uint32_t)CANRING_SLOT_TETHERED,
                                           __ATOMIC_RELAXED);
                        continue;
                }
                /* Acquire: partner of the consumer's release store of head in release(); the
                 * consumer's reads of those slots happen before we overwrite them. */
                head = __atomic_load_n(&s->ring[ring].head, __ATOMIC_ACQUIRE);
                if (head < min)
                        min = head;
        }
        r->limit = min == UINT64_MAX ? UINT64_MAX : min + r->mask + 1;
}

/* Everything reserve does but filling the batch, the unusual cases included. */
int canring_producer_reserve_slow(struct canring_producer *p, unsigned ring, unsigned nslots)
{
        struct canring_producer_ring *r;
        uint64_t end;
        uint32_t gen;

        if (ring >= p->hot.nrings)
                return -EINVAL;
        r = &p->ring[ring];
        if (nslots == 0 || nslots > r->max_slots)
                return -EMSGSIZE;
        end = r->tail + nslots;
        /* Seq_cst: with the fence in commit, a Dekker pair with the consumer's RMW of tethered_gen
         * followed by its load of tail (see docs/shm-layout.md, tethered attach). */
        gen = __atomic_load_n(&p->cctl->tethered_gen, __ATOMIC_SEQ_CST);
        if (gen != r->gen || end > r->limit) {
                r->gen = gen;
                refresh_limit(p, ring, 0);
                if (end > r->limit) {
                        /* Back-pressure: give a dead tethered consumer up now and then. */
                        if (++r->refusals % 1024 == 0)
                                refresh_limit(p, ring, 1);
                        if (end > r->limit) {
                                r->fast_end = r->limit < r->intent ? r->limit : r->intent;
                                r->backpressure++;
                                __atomic_store_n(&r->shm->backpressure, r->backpressure,
                                                 __ATOMIC_RELAXED);
                                return -EAGAIN;
                        }
                }
        }
        r->refusals = 0; /* (a success of the inline path does not reset it: it only paces the
                          * dead-consumer check above) */
        if (end > r->intent) {
                /* intent_ahead past the end, so that this store (to the line consumers poll) and
                 * its fence come once per intent_ahead slots, not once per batch. */
                r->intent = end + r->intent_ahead;
                __atomic_store_n(&r->shm->intent, r->intent, __ATOMIC_RELAXED);
                /* Release fence: the intent store is ordered before the slot stores that follow
                 * (those of later batches under the same intent too); partner: the acquire fence
                 * in the consumer's release before it loads intent (the seqlock pattern: a reader
                 * that saw a new slot value sees the new intent). */
                CANRING_FENCE_RELEASE();
        }
        /* Until either is reached, the inline reserve needs neither a limit nor an intent step. */
        r->fast_end = r->limit < r->intent ? r->limit : r->intent;
        return 0;
}

/* A consumer sleeps in a futex wait: ring the doorbell (commit's rare case). */
void canring_producer_wake(struct canring_producer *p)
{
        __atomic_fetch_add(&p->hdr->doorbell, 1, __ATOMIC_SEQ_CST);
        canring_futex_wake(&p->hdr->doorbell);
}

/* The wake-up a commit of ring r gives: owed ones of r are paid with it. */
void canring_producer_wake_ring(struct canring_producer *p, struct canring_producer_ring *r)
{
        r->woken_tail = r->tail;
        r->wake_owed = 0;
        canring_producer_wake(p);
}

void canring_producer_flush_wake(struct canring_producer *p, unsigned ring)
{
        struct canring_producer_ring *r;

        if (ring >= p->hot.nrings)
                return;
        r = &p->ring[ring];
        if (!r->wake_owed)
                return;
        /* Relaxed is enough: a consumer that began to wait after the deferred commit's barrier
         * saw its tail and does not sleep; one that left the wait since needs no wake-up. */
        if (__atomic_load_n(p->hot.waiters, __ATOMIC_RELAXED))
                canring_producer_wake(p);
        r->woken_tail = r->tail;
        r->wake_owed = 0;
}

int canring_producer_event(struct canring_producer *p, unsigned ring, unsigned channel,
                           const struct canring_event *ev, uint64_t sw_ts_ns)
{
        struct canring_batch b;
        struct canring_record *r;
        int ret;

        if (!ev || channel >= p->nchannels)
                return -EINVAL;
        ret = canring_producer_reserve(p, ring, 1, &b);
        if (ret)
                return ret;
        r = canring_batch_add(&b, CANRING_KIND_EVENT);
        r->sw_ts_ns = sw_ts_ns;
        r->hw_ts_ns = 0;
        r->channel = (uint16_t)channel;
        r->flags = 0;
        memset(r->__pad, 0, sizeof(r->__pad));
        r->event = *ev;
        ret = canring_producer_commit(p, &b);
        return ret < 0 ? ret : 0;
}

uint64_t canring_producer_backpressure(struct canring_producer *p, unsigned ring)
{
        return ring < p->hot.nrings ? p->ring[ring].backpressure : 0;
}

int canring_producer_end(struct canring_producer *p)
{
        uint64_t now = canring_now_ns(CLOCK_REALTIME);

        if (p->ended)
                return 0;
        for (unsigned i = 0; i < p->hot.nrings; i++) {
                struct canring_event ev = {.type = CANRING_EVENT_END_OF_STREAM};
                int ret;

                ev.value[0] = p->ring[i].seq;
                /* A tethered consumer may hold the ring full: give it a bounded time (~1 s). */
                for (int tries = 0; tries < 1000; tries++) {
                        ret = canring_producer_event(p, i, 0, &ev, now);
                        if (ret != -EAGAIN)
                                break;
                        usleep(1000);
                }
        }
        p->ended = 1;
        /* Release: partner of the consumers' load-acquire of state; the end-of-stream records are
         * committed before it. */
        __atomic_store_n(&p->hdr->state, CANRING_STATE_ENDED, __ATOMIC_RELEASE);
        __atomic_fetch_add(&p->hdr->doorbell, 1, __ATOMIC_SEQ_CST);
        canring_futex_wake(&p->hdr->doorbell);
        return 0;
}

void canring_producer_destroy(struct canring_producer *p)
{
        struct stat st;

        if (!p)
                return;
        canring_producer_end(p);
        /* Remove the name only if it is still ours (it always is while we hold the lock). */
        if (stat(p->path, &st) == 0 && st.st_ino == p->ino && st.st_dev == p->dev)
                unlink(p->path);
        munmap(p->base, p->size);
        close(p->fd);
        free(p);
}

int canring_producer_set_channel(struct canring_producer *p, unsigned channel,
                                 const struct canring_channel_info *info)
{
        struct canring_shm_channel *c;
        uint64_t words[sizeof(*info) / 8];
        uint32_t seq;

        if (!info || channel >= p->nchannels)
                return -EINVAL;
        memcpy(words, info, sizeof(words));
        c = &p->chan[channel];
        seq = __atomic_load_n(&c->info_seq, __ATOMIC_RELAXED);
        __atomic_store_n(&c->info_seq, seq + 1, __ATOMIC_RELAXED);
        /* Release fence: the odd seq is ordered before the field stores; partner: the acquire
         * fence in canring_consumer_channel() before its second seq load. */
        CANRING_FENCE_RELEASE();
        for (unsigned i = 0; i < sizeof(words) / 8; i++)
                __atomic_store_n((uint64_t *)&c->info + i, words[i], __ATOMIC_RELAXED);
        /* Release: partner of the consumer's load-acquire of info_seq. */
        __atomic_store_n(&c->info_seq, seq + 2, __ATOMIC_RELEASE);
        return 0;
}

int canring_producer_set_counters(struct canring_producer *p, unsigned channel,
                                  const struct canring_channel_counters *cnt)
{
        const uint64_t *src = (const uint64_t *)cnt;
        uint64_t *dst;

        if (!cnt || channel >= p->nchannels)
                return -EINVAL;
        /* Each counter is atomic on its own; a reader may see a mix of two updates, as with
         * /proc/net/dev. Relaxed: nothing is published through them. */
        dst = (uint64_t *)&p->chan[channel].counters;
        for (unsigned i = 0; i < sizeof(*cnt) / 8; i++)
                __atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
        return 0;
}

int canring_producer_consumers(struct canring_producer *p)
{
        int n = 0;

        for (unsigned i = 0; i < p->max_consumers; i++) {
                struct canring_shm_slot *s = slot_at(p, i);
                int32_t pid = __atomic_load_n(&s->pid, __ATOMIC_ACQUIRE);

                /* Acquire: partner of the release that sets READY once the consumer's cursors
                 * are in place; a consumer still attaching is not counted yet. */
                if (pid && (__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) & CANRING_SLOT_READY) &&
                    pid_alive(pid))
                        n++;
        }
        return n;
}

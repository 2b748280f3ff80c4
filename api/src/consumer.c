/* SPDX-License-Identifier: MIT */
/*
 * Consumer side: attach, zero-copy batch read with validation on release, lapping and resync,
 * wait (futex or busy-poll), producer liveness, statistics, channel metadata.
 * Memory ordering follows docs/shm-layout.md; every shared access names its partner.
 */
#define _GNU_SOURCE /* OFD locks, O_TMPFILE */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "canring/consumer.h"
#include "canring/error.h"
#include "shm_layout.h"

struct canring_consumer {
        struct canring_consumer_hot hot; /* first: what the inline read and release use */
        int fd;
        void *base;
        size_t size;
        const struct canring_shm_header *hdr;
        const struct canring_shm_channel *chan;
        struct canring_shm_slot *slot;
        struct canring_shm_cctl *cctl; /* writable */
        uint64_t instance;
        uint64_t last_live_check_ns;
        uint64_t coalesce_ns; /* wait() lingers this long after a sleep (0: returns at once) */
        int live_state;       /* last answer of producer_state() */
        dev_t dev;
        ino_t ino;
        unsigned nrings_total;
        char path[PATH_MAX];
        /* On lines of their own (see canring_alloc_private()): release writes them per batch. */
        _Alignas(CANRING_PRIVATE_ALIGN) struct canring_consumer_ring ring[];
};

_Static_assert(sizeof(struct canring_consumer_ring) == 128, "ring state is 128 bytes");

/* The external definitions of the inline functions of canring/consumer.h (C99 inline). */
extern inline int canring_consumer_read(struct canring_consumer *c,
                                        const struct canring_record **recs, unsigned max);
extern inline int canring_consumer_release(struct canring_consumer *c);

static const struct canring_record *rec_at(const struct canring_consumer_ring *cr, uint64_t pos)
{
        return (const struct canring_record *)(cr->data + (pos & cr->mask) * CANRING_SLOT_SIZE);
}

static void publish_cursor(struct canring_consumer_ring *cr)
{
        __atomic_store_n(&cr->slot->lost, cr->lost, __ATOMIC_RELAXED);
        __atomic_store_n(&cr->slot->read, cr->read, __ATOMIC_RELAXED);
        /* Release: our reads of everything below head are done; partner: the producer's
         * load-acquire of head in refresh_limit() before it overwrites those slots. */
        __atomic_store_n(&cr->slot->head, cr->head, __ATOMIC_RELEASE);
}

/* True if the producer may have started overwriting position pos (intent passed pos + cap). */
static int overwritten(const struct canring_consumer_ring *cr, uint64_t pos)
{
        /* Acquire fence: our reads of the slots are ordered before the intent load; partner: the
         * release fence after the producer's intent store in reserve(). */
        CANRING_FENCE_ACQUIRE();
        return __atomic_load_n(&cr->shm->intent, __ATOMIC_RELAXED) - pos > cr->cap;
}

/*
 * Moves a lapped cursor to the oldest record that is still intact and counts the records skipped.
 * Any even position is a record boundary (FD records start at even positions), and every record,
 * a pad too, carries the sequence number of the next real record, so the loss is exact.
 */
static void resync(struct canring_consumer_ring *cr)
{
        for (;;) {
                /* Acquire: partner of the release store of tail in commit. */
                uint64_t tail = __atomic_load_n(&cr->shm->tail, __ATOMIC_ACQUIRE);
                uint64_t intent = __atomic_load_n(&cr->shm->intent, __ATOMIC_ACQUIRE);
                uint64_t pos = intent > cr->cap ? (intent - cr->cap + 1) & ~1ull : 0;
                uint64_t seq;

                if (pos < cr->head)
                        pos = cr->head;
                if (pos >= tail)
                        continue; /* tail read before a newer intent: read both again */
                seq = canring_record_seq(rec_at(cr, pos));
                if (overwritten(cr, pos))
                        continue;
                if (seq > cr->next_seq)
                        cr->lost += seq - cr->next_seq;
                cr->next_seq = seq;
                cr->head = pos;
                publish_cursor(cr);
                return;
        }
}

/* Start position for a new consumer: just after the newest record, or at the oldest. */
static void start_position(struct canring_consumer_ring *cr, int oldest)
{
        for (;;) {
                uint64_t tail = __atomic_load_n(&cr->shm->tail, __ATOMIC_SEQ_CST);
                uint64_t pos, seq, n = 0;

                if (tail == 0) {
                        cr->head = cr->next_seq = 0;
                        break;
                }
                if (oldest) {
                        cr->head = 0;
                        cr->next_seq = 0;
                        resync(cr);
                        cr->lost = 0; /* nothing was lost: we were not there */
                        break;
                }
                /* The newest even position holds a record boundary; count what follows it. */
                pos = (tail - 1) & ~1ull;
                seq = canring_record_seq(rec_at(cr, pos));
                for (uint64_t p = pos; p < tail;) {
                        const struct canring_record *r = rec_at(cr, p);

                        n += __atomic_load_n(&r->kind, __ATOMIC_RELAXED) != CANRING_KIND_PAD;
                        p += __atomic_load_n(&r->nslots, __ATOMIC_RELAXED) == 2 ? 2 : 1;
                }
                if (overwritten(cr, pos))
                        continue;
                cr->head = tail;
                cr->next_seq = seq + n;
                break;
        }
        publish_cursor(cr);
}

static int read_header(int fd, struct canring_shm_header *h)
{
        struct stat st;
        ssize_t n;

        if (fstat(fd, &st) < 0)
                return -errno;
        memset(h, 0, sizeof(*h));
        n = pread(fd, h, sizeof(*h), 0);
        if (n < 0)
                return -errno;
        if ((size_t)n < sizeof(h->magic) || h->magic != CANRING_MAGIC)
                return -EBADMSG;
        if ((size_t)n < sizeof(*h))
                return -ENODATA;
        return canring_header_check(h, (uint64_t)st.st_size);
}

static struct canring_shm_slot *slot_at(void *base, const struct canring_shm_header *h, unsigned i)
{
        return (struct canring_shm_slot *)((uint8_t *)base + h->consumers_off + CANRING_CCTL_SIZE +
                                           (size_t)h->slot_size * i);
}

/* Claims a free slot, or one whose owner process is gone. */
static struct canring_shm_slot *claim_slot(void *base, const struct canring_shm_header *h)
{
        int32_t me = getpid();

        for (unsigned i = 0; i < h->max_consumers; i++) {
                struct canring_shm_slot *s = slot_at(base, h, i);
                int32_t pid = __atomic_load_n(&s->pid, __ATOMIC_ACQUIRE);

                if (pid && (kill(pid, 0) == 0 || errno != ESRCH))
                        continue;
                /* Acq_rel CAS: partner of the release store of pid = 0 in detach, and of the
                 * producer's load-acquire of pid in refresh_limit(). */
                if (__atomic_compare_exchange_n(&s->pid, &pid, me, 0, __ATOMIC_ACQ_REL,
                                                __ATOMIC_RELAXED))
                        return s;
        }
        return NULL;
}

int canring_consumer_list(const struct canring_consumer *c, struct canring_consumer_info *out,
                          unsigned max)
{
        const struct canring_shm_header *h = c->hdr;
        unsigned n = 0;

        for (unsigned i = 0; i < h->max_consumers; i++) {
                struct canring_shm_slot *s = slot_at(c->base, h, i);
                /* Acquire: partner of the claiming CAS; the slot's fields are its owner's. */
                int32_t pid = __atomic_load_n(&s->pid, __ATOMIC_ACQUIRE);
                struct canring_consumer_info info = {.pid = pid};

                if (!pid || (kill(pid, 0) != 0 && errno == ESRCH))
                        continue; /* free, or left behind by a dead process */
                if (__atomic_load_n(&s->flags, __ATOMIC_ACQUIRE) & CANRING_SLOT_TETHERED)
                        info.flags |= CANRING_CONSUMER_TETHERED;
                info.attach_ns = __atomic_load_n(&s->attach_ns, __ATOMIC_RELAXED);
                for (unsigned r = 0; r < h->nrings; r++) {
                        info.read += __atomic_load_n(&s->ring[r].read, __ATOMIC_RELAXED);
                        info.lost += __atomic_load_n(&s->ring[r].lost, __ATOMIC_RELAXED);
                }
                if (n < max)
                        out[n] = info;
                n++;
        }
        return (int)n;
}

int canring_consumer_attach(const char *name, const struct canring_consumer_options *opt,
                            struct canring_consumer **out)
{
        struct canring_shm_header h;
        struct canring_consumer *c;
        struct canring_shm_slot *s;
        char path[PATH_MAX];
        uint64_t mask, all;
        uint32_t flags = opt ? opt->flags : 0;
        struct stat st;
        unsigned nr = 0;
        int fd, ret;
        void *base;

        if (!out)
                return -EINVAL;
        ret = canring_shm_path(name, path, sizeof(path));
        if (ret)
                return ret;
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ret = read_header(fd, &h);
        if (ret)
                goto err_close;
        all = h.nrings == 64 ? ~0ull : (1ull << h.nrings) - 1;
        mask = opt && opt->rings ? opt->rings : all;
        if (mask & ~all) {
                ret = -ERANGE;
                goto err_close;
        }
        for (unsigned i = 0; i < h.nrings; i++)
                nr += (mask >> i) & 1;
        if (fstat(fd, &st) < 0) {
                ret = -errno;
                goto err_close;
        }

        /* Header, channels and rings read-only; only the consumer slots are writable. */
        base = mmap(NULL, h.segment_size, PROT_READ, MAP_SHARED, fd, 0);
        if (base == MAP_FAILED) {
                ret = -errno;
                goto err_close;
        }
        if (mmap((uint8_t *)base + h.consumers_off, h.segment_size - h.consumers_off,
                 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
                 (off_t)h.consumers_off) == MAP_FAILED) {
                ret = -errno;
                goto err_unmap;
        }
        c = canring_alloc_private(sizeof(*c) + nr * sizeof(c->ring[0]));
        if (!c) {
                ret = -ENOMEM;
                goto err_unmap;
        }
        s = claim_slot(base, &h);
        if (!s) {
                ret = -EUSERS;
                goto err_free;
        }

        c->fd = fd;
        c->hot.flags = flags;
        c->base = base;
        c->size = h.segment_size;
        c->hdr = base;
        c->chan = (const struct canring_shm_channel *)((uint8_t *)base + h.channels_off);
        c->slot = s;
        c->cctl = (struct canring_shm_cctl *)((uint8_t *)base + h.consumers_off);
        c->instance = h.instance_id;
        c->dev = st.st_dev;
        c->ino = st.st_ino;
        c->nrings_total = h.nrings;
        c->hot.nr = nr;
        c->hot.ring = c->ring;
        c->hot.cur = c->ring;
        memcpy(c->path, path, sizeof(path));

        s->flags = 0;
        s->rings = mask;
        s->attach_ns = canring_now_ns(CLOCK_REALTIME);
        for (unsigned i = 0, k = 0; i < h.nrings; i++) {
                struct canring_consumer_ring *cr;

                if (!((mask >> i) & 1))
                        continue;
                cr = &c->ring[k++];
                cr->index = i;
                cr->shm = canring_ring_at(base, h.rings_off, h.ring_stride, i);
                cr->data = canring_ring_data((struct canring_shm_ring *)cr->shm);
                cr->slot = &s->ring[i];
                cr->next = &c->ring[k == nr ? 0 : k]; /* k is already this ring's index + 1 */
                cr->shm_tail = &cr->shm->tail;
                cr->shm_intent = &cr->shm->intent;
                cr->slot_head = &cr->slot->head;
                cr->slot_read = &cr->slot->read;
                cr->cap = h.ring_size / CANRING_SLOT_SIZE;
                cr->mask = cr->cap - 1;
                /* The producer allocated the pages already: map them now rather than by a page
                 * fault per 4 KiB while reading (a kernel before 5.14 refuses: then by faults).
                 * The whole stride: control block and data, from its page-aligned start. */
                if (h.flags & CANRING_HDR_PREFAULTED)
                        (void)madvise((void *)(uintptr_t)cr->shm, h.ring_stride,
                                      MADV_POPULATE_READ);
                /* Provisional cursor for a tethered attach: never ahead of where we will start. */
                cr->head = __atomic_load_n(&cr->shm->tail, __ATOMIC_ACQUIRE);
                publish_cursor(cr);
        }
        if (flags & CANRING_CONSUMER_TETHERED) {
                __atomic_store_n(&s->flags, CANRING_SLOT_TETHERED, __ATOMIC_RELEASE);
                /* Seq_cst RMW, then the seq_cst load of tail in start_position(): the producer
                 * either sees the new generation before it next reserves, or we start after the
                 * tail it committed last, whose reservation could not reach our start. */
                __atomic_fetch_add(&c->cctl->tethered_gen, 1, __ATOMIC_SEQ_CST);
                if (c->hdr->flags & CANRING_HDR_MEMBARRIER)
                        canring_membarrier(); /* the producer's half of the barrier */
        }
        for (unsigned k = 0; k < nr; k++)
                start_position(&c->ring[k], !!(flags & CANRING_CONSUMER_OLDEST));
        /* Release: our cursors are set before anyone counts us as attached (partner: the
         * load-acquire of flags in canring_producer_consumers()). Records committed after a
         * producer saw READY are records this consumer will read. */
        __atomic_fetch_or(&s->flags, CANRING_SLOT_READY, __ATOMIC_RELEASE);
        *out = c;
        return 0;

err_free:
        free(c);
err_unmap:
        munmap(base, h.segment_size);
err_close:
        close(fd);
        return ret;
}

void canring_consumer_detach(struct canring_consumer *c)
{
        if (!c)
                return;
        __atomic_store_n(&c->slot->flags, 0, __ATOMIC_RELAXED);
        /* Release: partner of the acquire CAS of the next consumer claiming the slot. */
        __atomic_store_n(&c->slot->pid, 0, __ATOMIC_RELEASE);
        munmap(c->base, c->size);
        close(c->fd);
        free(c);
}

static int settle(struct canring_consumer *c);

/* Everything read does: the errors, several rings, lapping, padding. */
int canring_consumer_read_slow(struct canring_consumer *c, const struct canring_record **recs,
                               unsigned max)
{
        unsigned k = (unsigned)(c->hot.cur - c->ring);

        if (c->hot.bcount)
                return -EALREADY;
        if (!recs || !max)
                return -EINVAL;
        for (unsigned tries = 0; tries < c->hot.nr; tries++) {
                struct canring_consumer_ring *cr = &c->ring[k];
                uint64_t tail = cr->tail_seen;
                uint64_t pos, start;
                unsigned n = 0;
                int ret;

                k = k + 1 == c->hot.nr ? 0 : k + 1; /* the ring after this one */
                /* A tail loaded earlier still guards complete records (tail only grows): load
                 * the shared line again only when we have caught up with it, as a plain SPSC
                 * ring caches the opposite index. A lapped reader learns it at release. */
                if (tail <= cr->head) {
                        /* Acquire: partner of the release store of tail in commit; the records
                         * below tail are complete. */
                        tail = __atomic_load_n(&cr->shm->tail, __ATOMIC_ACQUIRE);
                        cr->tail_seen = tail;
                        if (tail == cr->head)
                                continue;
                }
                if (tail - cr->head > cr->cap) {
                        resync(cr); /* lapped before we even looked */
                        /* Acquire: as above. */
                        tail = __atomic_load_n(&cr->shm->tail, __ATOMIC_ACQUIRE);
                        cr->tail_seen = tail;
                }
                pos = cr->head;
                while (pos < tail && n < max) {
                        const struct canring_record *r = rec_at(cr, pos);
                        unsigned ns = __atomic_load_n(&r->nslots, __ATOMIC_RELAXED);

                        /* Torn by a lapping producer: stop here, release will reject the batch. */
                        if (ns == 2 ? (pos & 1) : ns != 1)
                                break;
                        if (__atomic_load_n(&r->kind, __ATOMIC_RELAXED) != CANRING_KIND_PAD)
                                recs[n++] = r;
                        pos += ns;
                }
                start = cr->head;
                c->hot.bring = cr;
                c->hot.bslots = pos - start;
                c->hot.bcount = n; /* held if n > 0 */
                c->hot.cur = &c->ring[k];
                if (n)
                        return (int)n;
                /* Only padding, or torn at the first record: settle it and look further. */
                ret = settle(c);
                if (ret == 0 && pos == start)
                        return -EIO; /* intact yet unreadable: the ring is corrupt */
        }
        return 0;
}

unsigned canring_consumer_batch_ring(const struct canring_consumer *c)
{
        return c->hot.bring ? c->hot.bring->index : 0;
}

/* Everything release does, the overwritten batch included, for the batch described by c->hot
 * (which may have no records: padding only). */
static int settle(struct canring_consumer *c)
{
        struct canring_consumer_ring *cr = c->hot.bring;
        uint32_t n = c->hot.bcount;

        c->hot.bcount = 0;
        /* A tethered reader's slots are never overwritten while it holds them: the producer
         * stops at its head (see refresh_limit() in producer.c), so it skips the check. */
        if (!(c->hot.flags & CANRING_CONSUMER_TETHERED) && overwritten(cr, cr->head)) {
                /* The whole batch is suspect; next_seq still names its first record, so the
                 * resync counts the batch as lost. */
                resync(cr);
                return -ESTALE;
        }
        cr->head += c->hot.bslots;
        cr->next_seq += n;
        cr->read += n;
        publish_cursor(cr);
        return 0;
}

int canring_consumer_release_slow(struct canring_consumer *c)
{
        return c->hot.bcount ? settle(c) : 0;
}

static int has_data(const struct canring_consumer *c)
{
        for (unsigned k = 0; k < c->hot.nr; k++)
                /* Seq_cst: the consumer's half of the Dekker pair with commit (see wait()). */
                if (__atomic_load_n(&c->ring[k].shm->tail, __ATOMIC_SEQ_CST) != c->ring[k].head)
                        return 1;
        return 0;
}

/* Slots committed and not yet read, summed over the consumer's rings (a lapped ring counts as
 * full): how big a batch the next reads will get. */
static uint64_t pending_slots(const struct canring_consumer *c)
{
        uint64_t sum = 0;

        for (unsigned k = 0; k < c->hot.nr; k++) {
                const struct canring_consumer_ring *cr = &c->ring[k];
                /* Acquire, as read's load of tail. */
                uint64_t d = __atomic_load_n(&cr->shm->tail, __ATOMIC_ACQUIRE) - cr->head;

                sum += d > cr->cap ? cr->cap : d;
        }
        return sum;
}

static int gone_error(int state)
{
        switch (state) {
        case CANRING_PRODUCER_ENDED:
                return -EPIPE;
        case CANRING_PRODUCER_DEAD:
                return -EOWNERDEAD;
        case CANRING_PRODUCER_RESTARTED:
                return -ECONNRESET;
        default:
                return 0;
        }
}

int canring_consumer_producer_state(struct canring_consumer *c)
{
        struct stat st;
        int fd, held;

        /* Acquire: partner of the release store in canring_producer_end(). */
        if (__atomic_load_n(&c->hdr->state, __ATOMIC_ACQUIRE) == CANRING_STATE_ENDED)
                return c->live_state = CANRING_PRODUCER_ENDED;
        held = canring_lock_held(c->fd);
        if (held != 0)
                return c->live_state = CANRING_PRODUCER_ALIVE; /* held, or cannot tell */
        c->live_state = CANRING_PRODUCER_DEAD;
        fd = open(c->path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                if (fstat(fd, &st) == 0 && (st.st_ino != c->ino || st.st_dev != c->dev) &&
                    canring_lock_held(fd) == 1)
                        c->live_state = CANRING_PRODUCER_RESTARTED;
                close(fd);
        }
        return c->live_state;
}

/* Checks the producer at most every CANRING_LIVENESS_MS; returns the -errno if it is gone. */
static int check_gone(struct canring_consumer *c, int force)
{
        /* Coarse: read from the vDSO page even where the clocksource has no vDSO support (the
         * lab's emulated HPET makes every precise clock read a system call); the liveness period
         * is 100 times its resolution. */
        uint64_t now = canring_now_ns(CLOCK_MONOTONIC_COARSE);

        if (__atomic_load_n(&c->hdr->state, __ATOMIC_ACQUIRE) == CANRING_STATE_ENDED)
                return -EPIPE;
        if (force || now - c->last_live_check_ns >= CANRING_LIVENESS_MS * 1000000ull) {
                c->last_live_check_ns = now;
                canring_consumer_producer_state(c);
        }
        return gone_error(c->live_state);
}

int canring_consumer_wait(struct canring_consumer *c, int timeout_ms)
{
        uint64_t start = 0; /* read when there is first nothing to return: one clock per sleep */
        uint64_t limit = timeout_ms < 0 ? UINT64_MAX : (uint64_t)timeout_ms * 1000000ull;
        /* In the read-only mapping: only the kernel's futex code reads it on our behalf. */
        uint32_t *doorbell = (uint32_t *)&c->hdr->doorbell;

        bool slept = false;

        for (;;) {
                uint64_t elapsed;
                int ret;

                if (has_data(c)) {
                        /* Woken for a record or two: linger so that this wake-up collects a
                         * batch (see canring_consumer_set_coalesce()). Not when the producer
                         * batched already (canring run commits what it reaped in one go): the
                         * wake-up has its batch, and lingering would only add latency and, as
                         * the next commit then finds no one waiting and the sleeps drift apart
                         * from the commits, more wake-ups. Nor when the producer batches its
                         * wake-ups itself (CANRING_HDR_BATCHED_WAKE): a slow stream then wakes
                         * us with what a span of its traffic brought, fewer than a batch's
                         * slots, and a linger would be a second sleep per wake-up. */
                        if (slept && c->coalesce_ns &&
                            !(c->hdr->flags & CANRING_HDR_BATCHED_WAKE) &&
                            pending_slots(c) < CANRING_COALESCE_BATCH_SLOTS) {
                                struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)c->coalesce_ns};

                                nanosleep(&ts, NULL);
                        }
                        return 0;
                }
                ret = check_gone(c, 0);
                if (ret)
                        return has_data(c) ? 0 : ret; /* the state may be newer than our look */
                if (timeout_ms < 0) {
                        elapsed = 0; /* no deadline: no clock to read */
                } else {
                        uint64_t now = canring_now_ns(CLOCK_MONOTONIC);

                        if (!start)
                                start = now;
                        elapsed = now - start;
                }
                if (elapsed >= limit)
                        return -ETIMEDOUT;
                if (c->hot.flags & CANRING_CONSUMER_BUSY_POLL) {
                        for (int i = 0; i < 4096 && !has_data(c); i++)
                                __builtin_ia32_pause();
                        continue;
                } else {
                        uint64_t left = limit - elapsed;
                        int slice = left < CANRING_LIVENESS_MS * 1000000ull
                                        ? (int)((left + 999999) / 1000000)
                                        : CANRING_LIVENESS_MS;
                        /* Acquire: a doorbell value from before our check of the tails. */
                        uint32_t bell = __atomic_load_n(doorbell, __ATOMIC_ACQUIRE);

                        /* Seq_cst RMW then seq_cst loads of tail: Dekker pair with commit's tail
                         * store, seq_cst fence, waiters load. Either the producer sees us waiting
                         * and rings the doorbell (changing it from `bell`, so the futex does not
                         * sleep), or we see its tail here. */
                        __atomic_fetch_add(&c->cctl->waiters, 1, __ATOMIC_SEQ_CST);
                        if (c->hdr->flags & CANRING_HDR_MEMBARRIER)
                                canring_membarrier(); /* the producer's half of the barrier */
                        if (!has_data(c)) {
                                canring_futex_wait(doorbell, bell, slice);
                                slept = true;
                        }
                        __atomic_fetch_sub(&c->cctl->waiters, 1, __ATOMIC_SEQ_CST);
                }
        }
}

int canring_consumer_set_coalesce(struct canring_consumer *c, unsigned usec)
{
        if (usec >= 1000000)
                return -EINVAL;
        c->coalesce_ns = (uint64_t)usec * 1000u;
        return 0;
}

uint64_t canring_consumer_instance(const struct canring_consumer *c)
{
        return c->instance;
}

static const struct canring_consumer_ring *find_ring(const struct canring_consumer *c,
                                                     unsigned ring)
{
        for (unsigned k = 0; k < c->hot.nr; k++)
                if (c->ring[k].index == ring)
                        return &c->ring[k];
        return NULL;
}

int canring_consumer_ring_stats(const struct canring_consumer *c, unsigned ring,
                                struct canring_consumer_ring_stats *st)
{
        const struct canring_consumer_ring *cr = find_ring(c, ring);

        if (!cr || !st)
                return -EINVAL;
        st->read = cr->read;
        st->lost = cr->lost;
        st->published = __atomic_load_n(&cr->shm->records, __ATOMIC_RELAXED);
        st->backpressure = __atomic_load_n(&cr->shm->backpressure, __ATOMIC_RELAXED);
        return 0;
}

uint64_t canring_consumer_lost(const struct canring_consumer *c)
{
        uint64_t lost = 0;

        for (unsigned k = 0; k < c->hot.nr; k++)
                lost += c->ring[k].lost;
        return lost;
}

unsigned canring_consumer_nrings(const struct canring_consumer *c)
{
        return c->nrings_total;
}

unsigned canring_consumer_nchannels(const struct canring_consumer *c)
{
        return c->hdr->nchannels;
}

int canring_consumer_channel(const struct canring_consumer *c, unsigned channel,
                             struct canring_channel_info *info,
                             struct canring_channel_counters *counters)
{
        const struct canring_shm_channel *ch;

        if (channel >= c->hdr->nchannels)
                return -EINVAL;
        ch = &c->chan[channel];
        while (info) {
                uint64_t words[sizeof(*info) / 8];
                /* Acquire: partner of the release store of the even seq in set_channel(). */
                uint32_t s1 = __atomic_load_n(&ch->info_seq, __ATOMIC_ACQUIRE);

                if (s1 & 1)
                        continue; /* being written */
                for (unsigned i = 0; i < sizeof(words) / 8; i++)
                        words[i] =
                            __atomic_load_n((const uint64_t *)&ch->info + i, __ATOMIC_RELAXED);
                /* Acquire fence: partner of the release fence after the odd seq store. */
                CANRING_FENCE_ACQUIRE();
                if (__atomic_load_n(&ch->info_seq, __ATOMIC_RELAXED) != s1)
                        continue;
                memcpy(info, words, sizeof(*info));
                info->name[sizeof(info->name) - 1] = '\0';
                break;
        }
        if (counters) {
                const uint64_t *src = (const uint64_t *)&ch->counters;
                uint64_t *dst = (uint64_t *)counters;

                for (unsigned i = 0; i < sizeof(*counters) / 8; i++)
                        dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED); /* see set_counters */
        }
        return 0;
}

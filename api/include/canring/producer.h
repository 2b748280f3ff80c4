/* SPDX-License-Identifier: MIT */
/*
 * Producer side of the canring rings (used by the engine). One producer per segment name; each
 * ring has exactly one writing thread. Publishing is reserve / fill / commit: one release store
 * publishes a whole batch, and no system call is made unless a consumer sleeps in a wait.
 */
#ifndef CANRING_PRODUCER_H
#define CANRING_PRODUCER_H

#include <errno.h>
#include <stdint.h>
#include <sys/types.h>

#include "canring/record.h"
#include "canring/shm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct canring_producer;
struct canring_shm_ring;

struct canring_producer_config {
        const char *name;       /* segment name, NULL for CANRING_DEFAULT_NAME */
        uint32_t nrings;        /* rings, 1..CANRING_MAX_RINGS */
        uint32_t ring_size;     /* bytes of data per ring, power of two */
        uint32_t nchannels;     /* channels, 1..CANRING_MAX_CHANNELS */
        uint32_t max_consumers; /* consumer slots, 1..CANRING_MAX_CONSUMERS */
        mode_t mode;            /* file mode of the segment, 0 for 0660 */
        uint32_t flags;         /* CANRING_PRODUCER_* */
};

/*
 * The store-load barrier of the wake-up protocol (commit's tail store, then its look at the
 * waiter count). By default a sleeping consumer supplies it with membarrier(2) and commit pays
 * only a compiler barrier: best for a producer that commits record by record. With this flag
 * commit pays a full barrier itself and consumers make no membarrier call before they sleep
 * (that call interrupts every core running the producer): best for a producer that commits
 * large batches to consumers that sleep between them, as canring run does.
 */
#define CANRING_PRODUCER_FENCED_COMMIT 0x1
/*
 * Allocates and maps every page of the segment at creation instead of on first use: the memory
 * is committed up front, the producer's first pass through each ring takes no page faults, and
 * a shared-memory file system too small for the segment fails the creation with -ENOSPC (nothing
 * is created) instead of raising SIGBUS on a later write. Needs Linux 5.14 (MADV_POPULATE_WRITE);
 * older kernels fault the pages in as before.
 */
#define CANRING_PRODUCER_PREFAULT 0x2
/*
 * The producer batches its consumers' wake-ups itself: it commits with
 * canring_producer_commit_deferred() and pays the wake-ups (canring_producer_flush_wake()) only
 * once a span of traffic is owed or it pauses, as canring run does. A woken consumer then finds a
 * batch already, so consumers of this segment do not linger after a wake-up
 * (canring_consumer_set_coalesce()): their linger would only add a sleep and its latency.
 */
#define CANRING_PRODUCER_BATCHED_WAKE 0x4

/*
 * Creates the segment and takes ownership of the name. A stale segment of a dead producer is
 * replaced; a live producer's is not (-EBUSY). Bad arguments touch nothing.
 */
int canring_producer_create(const struct canring_producer_config *cfg,
                            struct canring_producer **out);

/* Ends the stream if not already ended, unlinks the segment and frees the producer. */
void canring_producer_destroy(struct canring_producer *p);

/* Writes end-of-stream records into every ring and marks the segment ended; wakes all waiters. */
int canring_producer_end(struct canring_producer *p);

int canring_producer_set_channel(struct canring_producer *p, unsigned channel,
                                 const struct canring_channel_info *info);
int canring_producer_set_counters(struct canring_producer *p, unsigned channel,
                                  const struct canring_channel_counters *c);

/* Consumers attached (attach finished: their cursors are set) and not known dead. */
int canring_producer_consumers(struct canring_producer *p);

/*
 * A reservation in one ring. The fields are this process's view, not shared memory; they are
 * public only so that canring_batch_add() can be inline.
 */
struct canring_batch {
        uint8_t *data;  /* the ring's data area in the producer's mapping */
        uint64_t mask;  /* slots in the ring - 1 */
        uint64_t pos;   /* next free slot position (free-running) */
        uint64_t end;   /* end of the reservation (slot position) */
        uint64_t seq;   /* sequence number of the next record */
        uint32_t ring;  /* ring index */
        uint32_t count; /* records added so far */
};

/*
 * The producer's per-ring state in this process (private memory, not the segment). Public only
 * so that reserve and commit can be inline (as liburing does with its rings): use the functions,
 * never the fields; they may change with any release.
 */
struct canring_producer_ring {
        uint8_t *data;         /* the ring's data area in the producer's mapping */
        uint64_t mask;         /* slots in the ring - 1 */
        uint64_t max_slots;    /* largest reservation: half a ring */
        uint64_t intent_ahead; /* intent is moved this far past a reservation's end */
        uint64_t limit;        /* reservations may end here without consulting tethered heads */
        uint64_t fast_end;     /* min(limit, intent): reservations ending here need no more */
        uint64_t tail;         /* committed position (our copy of the shared tail) */
        uint64_t intent;       /* our copy of the shared intent */
        uint64_t seq;          /* next record sequence number */
        /* In the segment: the ring's tail [0], intent [1] and records [2] (docs/shm-layout.md,
         * ring control block); one pointer for the three, which share a cache line. */
        uint64_t *shm_pos;
        const uint32_t *tethered_gen; /* in the segment: bumped by a tethered attach */
        uint32_t gen;                 /* tethered_gen the limit was computed under */
        uint32_t refusals; /* consecutive -EAGAIN, to pace liveness checks of tethered consumers */
        uint64_t backpressure;        /* reserve calls refused */
        struct canring_shm_ring *shm; /* the ring's control block */
        uint64_t woken_tail; /* tail when sleeping consumers last had a wake-up or none slept */
        uint32_t wake_owed;  /* a deferred commit left sleeping consumers asleep */
        uint8_t __pad[4];    /* 128 bytes: finding a ring's state is a shift */
};

/* The start of every struct canring_producer (same caveat as struct canring_producer_ring). */
struct canring_producer_hot {
        struct canring_producer_ring *ring; /* nrings entries */
        uint32_t *waiters;                  /* in the segment: consumers inside a futex wait */
        uint32_t nrings;
        uint32_t membarrier; /* see CANRING_HDR_MEMBARRIER in the library */
};

/* Internal: the out-of-line parts of reserve and commit. */
int canring_producer_reserve_slow(struct canring_producer *p, unsigned ring, unsigned nslots);
void canring_producer_wake(struct canring_producer *p);
void canring_producer_wake_ring(struct canring_producer *p, struct canring_producer_ring *r);

/*
 * Reserves nslots slots in a ring (a classic record takes 1, an FD record 2, plus 1 of alignment
 * padding at most per FD record). -EAGAIN when a tethered consumer holds the space (counted as
 * back-pressure), -EMSGSIZE when nslots is more than half a ring.
 *
 * Inline (C99 inline definition; the library holds the external one): the common case touches
 * only this process's state and the read-mostly tethered generation; the slow path moves the
 * shared intent, once per intent_ahead slots.
 */
CANRING_INLINE int canring_producer_reserve(struct canring_producer *p, unsigned ring,
                                            unsigned nslots, struct canring_batch *b)
{
        const struct canring_producer_hot *h = (const struct canring_producer_hot *)(void *)p;
        struct canring_producer_ring *r;
        uint64_t tail, seq, end;

        if (ring >= h->nrings)
                return -EINVAL;
        r = &h->ring[ring];
        /* Private fields, loaded with relaxed atomics only so that the compiler loads each on its
         * own: commit has just stored them, and a wider (vectorised) load spanning one of them
         * and its neighbour defeats store-to-load forwarding (measured: half the cost of a
         * batch-1 publish). */
        tail = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
        seq = __atomic_load_n(&r->seq, __ATOMIC_RELAXED);
        end = tail + nslots;
        /* Seq_cst load of tethered_gen: with the consumer's seq_cst RMW of it followed by its load
         * of tail, a Dekker pair (docs/shm-layout.md, tethered consumers). Anything else (bad
         * size, a new tethered consumer, the cached limit reached, intent to be moved: once per
         * intent_ahead slots) is the slow path's. */
        if (__builtin_expect((uint64_t)nslots - 1 >= r->max_slots || end > r->fast_end ||
                                 __atomic_load_n(r->tethered_gen, __ATOMIC_SEQ_CST) != r->gen,
                             0)) {
                /* It does not see b, so that b can live in registers. */
                int ret = canring_producer_reserve_slow(p, ring, nslots);

                if (ret < 0) /* (it returns 0 or -errno; "< 0" tells the compiler so) */
                        return ret;
        }
        b->data = r->data;
        b->mask = r->mask;
        b->pos = tail;
        b->end = end;
        b->seq = seq;
        b->ring = ring;
        b->count = 0;
        return 0;
}

/*
 * Adds a record of this kind to the batch and returns it for the caller to fill (everything but
 * seq, kind and nslots, which are set); NULL when the reservation is full.
 */
static inline struct canring_record *canring_batch_add(struct canring_batch *b, unsigned kind)
{
        unsigned ns = canring_kind_slots(kind);
        uint64_t pos = b->pos;
        struct canring_record *r;

        if (ns == 2 && (pos & 1)) {
                /* FD records start at even positions so a lapped reader can resync at any even one.
                 */
                if (pos + 3 > b->end)
                        return NULL;
                r = (struct canring_record *)(b->data + (pos & b->mask) * CANRING_SLOT_SIZE);
                /* Relaxed: published by the release store in commit. A pad carries the next seq. */
                __atomic_store_n(&r->seq, b->seq, __ATOMIC_RELAXED);
                __atomic_store_n(&r->kind, (uint8_t)CANRING_KIND_PAD, __ATOMIC_RELAXED);
                __atomic_store_n(&r->nslots, (uint8_t)1, __ATOMIC_RELAXED);
                pos++;
        } else if (pos + ns > b->end) {
                return NULL;
        }
        r = (struct canring_record *)(b->data + (pos & b->mask) * CANRING_SLOT_SIZE);
        __atomic_store_n(&r->seq, b->seq, __ATOMIC_RELAXED);
        __atomic_store_n(&r->kind, (uint8_t)kind, __ATOMIC_RELAXED);
        __atomic_store_n(&r->nslots, (uint8_t)ns, __ATOMIC_RELAXED);
        b->pos = pos + ns;
        b->seq++;
        b->count++;
        return r;
}

/*
 * Internal: publishes the batch (one release store) and returns how many consumers sleep in a
 * wait, for commit and commit_deferred.
 */
CANRING_INLINE uint32_t canring_producer_publish(const struct canring_producer_hot *h,
                                                 struct canring_producer_ring *r,
                                                 const struct canring_batch *b)
{
        uint32_t waiters;

        r->tail = b->pos;
        r->seq = b->seq;
        __atomic_store_n(&r->shm_pos[2], b->seq, __ATOMIC_RELAXED); /* statistics only */
        /* Release: publishes every record of the batch; partner: the consumer's load-acquire of
         * tail in read. */
        __atomic_store_n(&r->shm_pos[0], b->pos, __ATOMIC_RELEASE);
        /* Store-load ordering for the Dekker pair with the consumer's waiters++ then tail check in
         * wait() (either we see the waiter or it sees the new tail), and with tethered attach.
         * With membarrier the consumer's side supplies the barrier for us: a compiler barrier is
         * enough here. Without it, a full barrier (which waits for every record store to drain). */
        if (h->membarrier) {
                __atomic_signal_fence(__ATOMIC_SEQ_CST);
                waiters = __atomic_load_n(h->waiters, __ATOMIC_RELAXED);
        } else {
                /* A seq_cst RMW is the store-load barrier (and TSan models it). */
                waiters = __atomic_fetch_add(h->waiters, 0, __ATOMIC_SEQ_CST);
        }
        return waiters;
}

/*
 * Publishes every record added to the batch with one release store; wakes sleeping consumers.
 * Returns the number of records. Inline, as reserve.
 */
CANRING_INLINE int canring_producer_commit(struct canring_producer *p, struct canring_batch *b)
{
        const struct canring_producer_hot *h = (const struct canring_producer_hot *)(void *)p;
        struct canring_producer_ring *r;

        if (b->ring >= h->nrings)
                return -EINVAL;
        r = &h->ring[b->ring];
        if (canring_producer_publish(h, r, b))
                canring_producer_wake_ring(p, r);
        return (int)b->count;
}

/*
 * Publishes as canring_producer_commit(), but leaves consumers that sleep in a wait asleep: the
 * wake-up is owed until canring_producer_flush_wake(), which the producer calls before it goes
 * idle itself. A producer that commits batch after batch while it is busy (canring run's engine
 * under load) then wakes its consumers once per pause instead of once per batch; every wake-up
 * costs the consumer a context switch, and the producer too where the woken consumer preempts
 * it. A ring that has had CANRING_PRODUCER_DEFER_MAX_PART of its slots committed since its
 * sleeping consumers were last woken wakes them at once, so a producer that never pauses cannot
 * keep them from a filling ring. A consumer that is awake sees every commit as before.
 */
#define CANRING_PRODUCER_DEFER_MAX_PART 32 /* a 32nd of the ring */
CANRING_INLINE int canring_producer_commit_deferred(struct canring_producer *p,
                                                    struct canring_batch *b)
{
        const struct canring_producer_hot *h = (const struct canring_producer_hot *)(void *)p;
        struct canring_producer_ring *r;

        if (b->ring >= h->nrings)
                return -EINVAL;
        r = &h->ring[b->ring];
        if (!canring_producer_publish(h, r, b))
                r->woken_tail = b->pos; /* nobody sleeps: nothing is owed */
        else if (b->pos - r->woken_tail >= (r->mask + 1) / CANRING_PRODUCER_DEFER_MAX_PART)
                canring_producer_wake_ring(p, r);
        else
                r->wake_owed = 1;
        return (int)b->count;
}

/*
 * Wakes the consumers that deferred commits of this ring left asleep, if any still sleep: one
 * futex wake at most, nothing when nothing is owed. The ring's writing thread calls it.
 */
void canring_producer_flush_wake(struct canring_producer *p, unsigned ring);

/* Reserves, writes and commits one event record. -EAGAIN on back-pressure as for reserve. */
int canring_producer_event(struct canring_producer *p, unsigned ring, unsigned channel,
                           const struct canring_event *ev, uint64_t sw_ts_ns);

/* Reserve calls refused with -EAGAIN in this ring so far (also visible to consumers). */
uint64_t canring_producer_backpressure(struct canring_producer *p, unsigned ring);

#ifdef __cplusplus
}
#endif

#endif

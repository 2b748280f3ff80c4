/* SPDX-License-Identifier: MIT */
/*
 * Consumer side of the canring rings. Any number of processes attach to a segment by name; each
 * has its own cursor in every ring (broadcast). Records are read in place, without copying, from
 * a read-only mapping: read a batch, use it, release it. Release tells whether the producer
 * overwrote the batch while it was held (lossy consumers only); then the batch must be discarded
 * and its records are counted as lost.
 */
#ifndef CANRING_CONSUMER_H
#define CANRING_CONSUMER_H

#include <stdint.h>

#include "canring/record.h"
#include "canring/shm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct canring_consumer;

/* Options of canring_consumer_attach(). */
#define CANRING_CONSUMER_TETHERED  0x01 /* the producer may not overwrite what this one holds */
#define CANRING_CONSUMER_BUSY_POLL 0x02 /* canring_consumer_wait() spins instead of sleeping */
#define CANRING_CONSUMER_OLDEST    0x04 /* start at the oldest record still in the ring */

struct canring_consumer_options {
        uint64_t rings; /* bit i set: read ring i; 0 means every ring */
        uint32_t flags; /* CANRING_CONSUMER_* */
};

/*
 * Attaches to the segment `name` (NULL: the default). opt may be NULL (lossy, every ring, start
 * at the newest records). Failure touches nothing; see canring/error.h for the errno values.
 */
int canring_consumer_attach(const char *name, const struct canring_consumer_options *opt,
                            struct canring_consumer **out);

/* Releases the consumer slot and unmaps the segment. */
void canring_consumer_detach(struct canring_consumer *c);

/*
 * Takes a batch of up to max records from one ring (rings are served in turn) and stores
 * pointers to them in recs. Returns the number of records (0: none available), or -EALREADY if a
 * batch is still held. The pointers are valid until canring_consumer_release().
 */
int canring_consumer_read(struct canring_consumer *c, const struct canring_record **recs,
                          unsigned max);

/* The ring index of the batch last returned by canring_consumer_read(). */
unsigned canring_consumer_batch_ring(const struct canring_consumer *c);

/*
 * Gives the held batch back. 0: the records were intact while held. -ESTALE: the producer
 * overwrote them (the reader was lapped); discard what was read, they are counted as lost and the
 * cursor has moved to the oldest valid record. 0 as well when no batch is held.
 */
int canring_consumer_release(struct canring_consumer *c);

/*
 * Waits until a record is available in one of the consumer's rings. timeout_ms < 0 waits without
 * limit. 0 when a record is available; -ETIMEDOUT; when nothing is left to read: -EPIPE (stream
 * ended), -EOWNERDEAD (producer died), -ECONNRESET (producer died and another owns the name).
 * A dead producer is noticed within CANRING_LIVENESS_MS even when waiting without limit.
 */
#define CANRING_LIVENESS_MS 100
int canring_consumer_wait(struct canring_consumer *c, int timeout_ms);

/*
 * Wake-up coalescing for sleeping waits. A consumer that sleeps in canring_consumer_wait() is
 * woken by the first record the producer commits; at a high frame rate that is one wake-up (two
 * system calls and a scheduler round trip) per record or two. With USEC > 0, a wait that had to
 * sleep lingers USEC microseconds after it is woken before it returns, so one wake-up collects a
 * batch: less CPU per record, at most USEC more latency. A consumer that finds records waiting
 * does not linger. 0 (the default) turns it off; USEC must be below 1,000,000. Returns 0 or
 * -EINVAL.
 */
int canring_consumer_set_coalesce(struct canring_consumer *c, unsigned usec);

enum canring_producer_state {
        CANRING_PRODUCER_ALIVE = 0,     /* producing */
        CANRING_PRODUCER_ENDED = 1,     /* ended the stream cleanly */
        CANRING_PRODUCER_DEAD = 2,      /* gone without ending the stream */
        CANRING_PRODUCER_RESTARTED = 3, /* gone, and a new producer owns the name (re-attach) */
};

/* The producer's state (a system call: checks the producer's lock on the segment). */
int canring_consumer_producer_state(struct canring_consumer *c);

/* The producer instance id: changes with every producer that creates the segment. */
uint64_t canring_consumer_instance(const struct canring_consumer *c);

struct canring_consumer_ring_stats {
        uint64_t read;         /* records this consumer read and released intact */
        uint64_t lost;         /* records this consumer lost to overrun (lapped) */
        uint64_t published;    /* records the producer has published in the ring */
        uint64_t backpressure; /* producer reserve calls refused by tethered consumers */
};

/* Per-ring counters; ring must be one the consumer reads. */
int canring_consumer_ring_stats(const struct canring_consumer *c, unsigned ring,
                                struct canring_consumer_ring_stats *st);

/* Records lost to overrun in all of the consumer's rings. */
uint64_t canring_consumer_lost(const struct canring_consumer *c);

/* One consumer attached to the segment, as canring_consumer_list() reports it. */
struct canring_consumer_info {
        int32_t pid;        /* the consumer's process */
        uint32_t flags;     /* CANRING_CONSUMER_TETHERED when it holds the producer back */
        uint64_t attach_ns; /* CLOCK_REALTIME ns of its attach */
        uint64_t read;      /* records it read intact, over all its rings */
        uint64_t lost;      /* records it lost to overrun, over all its rings */
};

/*
 * The consumers attached to c's segment, c itself included (so `canring stat` can show every
 * reader's losses). Fills up to max entries of out and returns how many consumers are attached
 * (which may be more than max). The counters are statistics: each is read atomically, not all
 * of them at one instant.
 */
int canring_consumer_list(const struct canring_consumer *c, struct canring_consumer_info *out,
                          unsigned max);

unsigned canring_consumer_nrings(const struct canring_consumer *c);
unsigned canring_consumer_nchannels(const struct canring_consumer *c);

/* Copies a channel's metadata and/or counters (either pointer may be NULL). */
int canring_consumer_channel(const struct canring_consumer *c, unsigned channel,
                             struct canring_channel_info *info,
                             struct canring_channel_counters *counters);

#ifdef __cplusplus
}
#endif

#endif

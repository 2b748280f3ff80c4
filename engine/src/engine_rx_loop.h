/* SPDX-License-Identifier: MIT */
/*
 * One engine thread's receive loop: an io_uring with one provided-buffer ring shared by N sockets
 * (channel index = position), a multishot IORING_OP_RECVMSG armed per socket, completions reaped in
 * batches and handed to a sink, one sink call per batch. docs/engine.md explains batching, buffer
 * sizing, the re-arm policy and back-pressure.
 *
 * Threading: engine_rx_run() (or the thread engine_rx_start() makes) is the only thread that
 * touches the io_uring. engine_rx_set_socket(), engine_rx_stop() and the stats readers may be
 * called from any thread at any time.
 */
#ifndef CANRING_ENGINE_RX_LOOP_H
#define CANRING_ENGINE_RX_LOOP_H

#include "engine_features.h"
#include "engine_rx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENGINE_RX_MAX_CHANNELS         4096u  /* channel index must fit the 16 bits of user_data */
#define ENGINE_RX_MAX_BUFS             32768u /* kernel limit on buffer ring entries */
#define ENGINE_RX_DEFAULT_BUFS         1024u  /* 256 KiB of buffers */
#define ENGINE_RX_DEFAULT_PAUSE_NS     1000000u   /* back-pressure pause before a retry: 1 ms */
#define ENGINE_RX_DEFAULT_DROP_POLL_NS 100000000u /* socket drop counter poll: 100 ms */
#define ENGINE_RX_DEFAULT_COALESCE_NS  500000u    /* completion coalescing: 0.5 ms */
#define ENGINE_RX_COALESCE_OFF         UINT64_MAX /* coalesce_ns: no coalescing */

/*
 * The sink: receives n >= 1 frames in per-channel arrival order and returns how many it accepted
 * from the start of the array (0..n); -EAGAIN means 0. Accepting fewer than n is back-pressure:
 * the channel of the first refused frame is paused (its recvmsg cancelled, its frames held and
 * offered again, in order, after cfg.pause_ns), and the other channels' frames after it are
 * offered again at once in another call. So one batch can take several calls under back-pressure.
 * Any other negative return is fatal: engine_rx_run() drains, stops and returns it.
 * The frame pointers are valid during the call only; a re-offered frame has the same content.
 */
typedef int (*engine_rx_sink_fn)(void *ctx, const struct engine_rx_frame *frames, unsigned n);

struct engine_rx_config {
        unsigned nchannels;    /* sockets served, 1..ENGINE_RX_MAX_CHANNELS */
        unsigned nbufs;        /* provided buffers, power of two; 0 = ENGINE_RX_DEFAULT_BUFS */
        unsigned batch_max;    /* most frames per sink call; 0 = nbufs */
        uint64_t pause_ns;     /* back-pressure pause, ns; 0 = ENGINE_RX_DEFAULT_PAUSE_NS */
        uint64_t drop_poll_ns; /* SO_MEMINFO drop poll period; 0 = ENGINE_RX_DEFAULT_DROP_POLL_NS */
        /* While frames flow, sleep this long after each batch before waiting again, so that the
         * next wake-up collects what the sockets received meanwhile (fewer wake-ups and system
         * calls per frame; frames of a burst wait at most this much longer; an isolated frame is
         * handed on at once). 0 = ENGINE_RX_DEFAULT_COALESCE_NS; ENGINE_RX_COALESCE_OFF = off. */
        uint64_t coalesce_ns;
        bool pin_cpu; /* pin the loop thread to cpu */
        int cpu;      /* CPU number when pin_cpu */
        engine_rx_sink_fn sink;
        void *sink_ctx;
        /* Optional: called with sink_ctx before the loop sleeps, when the sink was called since
         * the last call with brief false. brief: the sleep is the coalescing linger, after which
         * the loop looks again (frames are flowing); not brief: a wait that finds no completion
         * and sleeps until the next one (or the run ends). A sink that defers its consumers'
         * wake-ups (canring_producer_commit_deferred()) pays them here: at the latest when the
         * loop sleeps for real, so that they come once per pause of the stream, not per batch.
         * For a brief sleep it returns how long (ns) its consumers can do without new frames:
         * while a stream flows the loop may linger up to that long instead of coalesce_ns (at
         * most 8 times coalesce_ns, and less for a fast stream; rx_loop.c, linger_ns()). 0 or
         * less than coalesce_ns: coalesce_ns. */
        uint64_t (*idle)(void *ctx, bool brief);
        const struct engine_features *features; /* NULL = engine_features_get() */
};

/* Channel states (engine_rx_chan_stats.state). */
enum engine_rx_chan_state {
        ENGINE_RX_CHAN_EMPTY = 0,  /* no socket */
        ENGINE_RX_CHAN_IDLE = 1,   /* socket installed, no recvmsg in flight (loop not running) */
        ENGINE_RX_CHAN_ARMED = 2,  /* multishot recvmsg in flight */
        ENGINE_RX_CHAN_PAUSED = 3, /* back-pressure: frames held, recvmsg cancelled */
        ENGINE_RX_CHAN_FAILED = 4, /* socket kept failing; not re-armed until a new socket comes */
};

/* Per-channel counters; all uint64_t so a reader on another thread can copy them atomically. */
struct engine_rx_chan_stats {
        uint64_t frames;    /* frames the sink accepted */
        uint64_t malformed; /* datagrams of a size other than CAN_MTU/CANFD_MTU (not published) */
        uint64_t kernel_drops; /* sum of SO_RXQ_OVFL deltas: frames the socket dropped */
        uint64_t arms;         /* multishot recvmsg submissions (first arm included) */
        uint64_t rearms;       /* re-arms after a completion without IORING_CQE_F_MORE */
        uint64_t enobufs;      /* terminations because the buffer ring ran dry */
        uint64_t errors;       /* completions with another error (last_error says which) */
        uint64_t pauses;       /* times back-pressure paused the channel */
        uint64_t sockets;      /* sockets installed over the loop's life */
        int64_t last_error;    /* last -errno a completion carried, 0 if none */
        uint64_t state;        /* enum engine_rx_chan_state */
};

/* Loop-wide counters. */
struct engine_rx_stats {
        uint64_t iterations;        /* waits for completions */
        uint64_t cqes;              /* completions reaped */
        uint64_t sink_calls;        /* sink invocations (new batches and retries) */
        uint64_t frames;            /* frames accepted by the sink */
        uint64_t max_batch;         /* largest array handed to the sink */
        uint64_t backpressure;      /* sink calls that accepted fewer frames than offered */
        uint64_t held;              /* frames held for a retry right now */
        uint64_t stop_discarded;    /* held frames the sink still refused when the loop stopped */
        uint64_t long_lingers;      /* coalescing sleeps made longer than coalesce_ns (cfg.idle) */
        uint64_t longest_linger_ns; /* the longest coalescing sleep */
};

struct engine_rx;

/* Allocates the loop and its buffers (all memory it will ever use). Returns 0 or -errno. */
int engine_rx_create(const struct engine_rx_config *cfg, struct engine_rx **out);

/* Frees the loop and closes every socket it owns. Must not be running. */
void engine_rx_destroy(struct engine_rx *rx);

/*
 * Installs fd as channel ch's socket (the loop takes ownership), replacing and closing the previous
 * one; fd < 0 removes the channel's socket. Thread-safe: a running loop applies it at its next
 * iteration (it cancels the old recvmsg, closes the old fd, arms the new one); before run it is
 * applied when run starts. Returns 0, or -EINVAL for a bad channel.
 */
int engine_rx_set_socket(struct engine_rx *rx, unsigned ch, int fd);

/*
 * Runs the loop on the calling thread until engine_rx_stop(). Sets up the io_uring (its owner is
 * this thread: SINGLE_ISSUER), arms every channel and serves it. On stop it finishes the batch at
 * hand, cancels every recvmsg, publishes what the kernel already delivered, and returns 0. Returns
 * -errno with a message in err on setup failure or a fatal sink error.
 */
int engine_rx_run(struct engine_rx *rx, char *err, size_t errlen);

/* Asks the loop to stop (thread- and async-signal-safe). A stop before run makes run return at
 * once. */
void engine_rx_stop(struct engine_rx *rx);

/* engine_rx_run() on a new thread; engine_rx_join() waits for it and returns run's result. */
int engine_rx_start(struct engine_rx *rx);
int engine_rx_join(struct engine_rx *rx, char *err, size_t errlen);

/* Snapshots of the counters, readable from any thread while the loop runs. */
void engine_rx_get_stats(const struct engine_rx *rx, struct engine_rx_stats *out);
int engine_rx_get_chan_stats(const struct engine_rx *rx, unsigned ch,
                             struct engine_rx_chan_stats *out);

#endif

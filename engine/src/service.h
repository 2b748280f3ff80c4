/* SPDX-License-Identifier: MIT */
/*
 * The receive service behind `canring run`: channels (CAN_RAW sockets) sharded over engine
 * threads, each thread publishing into its own ring of the shared-memory segment; a control
 * thread (the caller of canring_service_run) that follows interfaces going down, up, away and
 * back, polls bus state, publishes counters and serves the control socket. docs/design.md.
 *
 * Ring layout: rings 0..threads-1 carry frames (ring i is written by engine thread i only);
 * ring `threads` carries the service's own events (interface down/up, bus state changes), written
 * by the control thread only. Every ring ends with an end-of-stream record on shutdown.
 */
#ifndef CANRING_SERVICE_H
#define CANRING_SERVICE_H

#include <stddef.h>
#include <stdio.h>

#include "engine_channel.h"
#include "service_config.h"

#define CANRING_SERVICE_ANY_SLOTS 64 /* channels added on the fly for interfaces an `any` sees */

struct canring_service;

/*
 * Checks the kernel's io_uring, validates and opens every channel, and creates the segment.
 * OPEN opens a channel's socket (engine_channel_open for real CAN; tests pass stand-ins).
 * On failure returns -errno with the reason in ERR, and leaves nothing behind: no segment, no
 * socket, no thread.
 */
int canring_service_create(const struct canring_service_config *cfg, engine_channel_open_fn open,
                           void *open_ctx, struct canring_service **out, char *err, size_t errlen);

/*
 * Starts the engine threads and runs the control loop on the calling thread until
 * canring_service_stop(). Then finishes the batches at hand, writes end-of-stream into every
 * ring and returns 0, or -errno with ERR set if an engine thread failed.
 */
int canring_service_run(struct canring_service *svc, char *err, size_t errlen);

/* Asks a running service to stop. Async-signal-safe (a write to an eventfd). */
void canring_service_stop(struct canring_service *svc);

/* Removes the segment, closes everything. */
void canring_service_destroy(struct canring_service *svc);

/* One line per channel describing what was opened (granted receive buffer, warnings). */
void canring_service_report(const struct canring_service *svc, FILE *out);

/* Writes one line per engine thread: its loop's counters (frames, iterations, completions, sink
 * calls, largest batch, back-pressure, long lingers and the longest); for the end of a run, where
 * they tell how well the loop batched. */
void canring_service_report_engine(const struct canring_service *svc, FILE *out);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Every canring function reports failure as a negative errno value. Several errno values carry a
 * canring-specific meaning (listed here); canring_strerror() describes it.
 */
#ifndef CANRING_ERROR_H
#define CANRING_ERROR_H

/*
 * errno values with a canring meaning (as returned, negated):
 *   ENOENT        no segment of that name exists (no producer has created it)
 *   EINVAL        bad argument; for a segment name: empty, or containing '/' or a control character
 *   ENAMETOOLONG  segment name longer than CANRING_NAME_MAX
 *   EDOM          ring size is not a power of two in [CANRING_RING_MIN, CANRING_RING_MAX]
 *   ERANGE        ring, channel or consumer count out of its allowed range
 *   EBADMSG       the file is not a canring segment (bad magic)
 *   EPROTO        the segment has another layout version than this library
 *   ENODATA       the segment is truncated (smaller than its header says)
 *   EBUSY         another live producer owns the segment name
 *   EUSERS        every consumer slot of the segment is taken by a live consumer
 *   EAGAIN        (reserve) a tethered consumer has not released the space: back-pressure
 *   EMSGSIZE      (reserve) more slots asked for than half a ring
 *   EALREADY      (read) a batch is still held; release it first
 *   ESTALE        (release) the producer overwrote the held batch; its records count as lost
 *   ETIMEDOUT     (wait) no record arrived within the timeout
 *   EPIPE         (wait) the producer ended the stream and every record has been read
 *   EOWNERDEAD    (wait) the producer died without ending the stream; every record has been read
 *   ECONNRESET    (wait) the producer died and a new one owns the name now; re-attach
 */
#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Describes err (negative or positive errno); never NULL. Unknown values fall back to strerror. */
const char *canring_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif

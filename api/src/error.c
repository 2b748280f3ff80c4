/* SPDX-License-Identifier: MIT */
/* Descriptions of the errno values that carry a canring meaning (see canring/error.h). */
#include <string.h>

#include "canring/error.h"

const char *canring_strerror(int err)
{
        if (err < 0)
                err = -err;
        switch (err) {
        case 0:
                return "success";
        case ENOENT:
                return "no canring segment of that name (is the producer running?)";
        case EINVAL:
                return "invalid argument (a segment name must be non-empty, without '/' or spaces)";
        case ENAMETOOLONG:
                return "segment name too long";
        case EDOM:
                return "ring size must be a power of two between 4 KiB and 1 GiB";
        case ERANGE:
                return "ring, channel or consumer count out of range";
        case EBADMSG:
                return "not a canring segment (bad magic or geometry)";
        case EPROTO:
                return "canring segment has another layout version than this library";
        case ENODATA:
                return "canring segment is truncated";
        case EBUSY:
                return "another live producer owns this segment name";
        case EUSERS:
                return "too many consumers: every consumer slot of the segment is taken";
        case EAGAIN:
                return "ring full: a tethered consumer has not released the space (back-pressure)";
        case EMSGSIZE:
                return "reservation larger than half a ring";
        case EALREADY:
                return "a batch is still held: release it before reading another";
        case ESTALE:
                return "the producer overwrote the held batch (consumer lapped); records counted "
                       "as lost";
        case ETIMEDOUT:
                return "no record arrived before the timeout";
        case EPIPE:
                return "the producer ended the stream";
        case EOWNERDEAD:
                return "the producer died without ending the stream";
        case ECONNRESET:
                return "the producer restarted: re-attach to read the new stream";
        default:
                return strerror(err);
        }
}

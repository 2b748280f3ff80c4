/* SPDX-License-Identifier: MIT */
/*
 * e2e-recvmmsg: the batching reference receiver of the end-to-end benchmark. As e2e-recvmsg, but
 * one recvmmsg of up to 64 frames per readiness and an 8 MiB receive buffer (SO_RCVBUFFORCE): the
 * best a hand-written socket loop does without io_uring.
 *
 *   e2e-recvmmsg [--fd] [--rcvbuf BYTES] [--linger-us US] [--ready FILE] IF...
 */
#include "e2e_rx.h"

int main(int argc, char **argv)
{
        return e2e_rx_main(argc, argv, "recvmmsg", 64, 8 << 20);
}

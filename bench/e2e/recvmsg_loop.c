/* SPDX-License-Identifier: MIT */
/*
 * e2e-recvmsg: the plain reference receiver of the end-to-end benchmark. epoll over one CAN_RAW
 * socket per interface, one recvmsg per readiness, the kernel's default receive buffer: what most
 * programs (and candump, minus the printing) do.
 *
 *   e2e-recvmsg [--fd] [--rcvbuf BYTES] [--linger-us US] [--ready FILE] IF...
 *
 * Reads until SIGINT/SIGTERM, then prints one JSON line: frames received and kernel drops
 * (SO_RXQ_OVFL, completed by SO_MEMINFO) per interface, and receive latency percentiles.
 */
#include "e2e_rx.h"

int main(int argc, char **argv)
{
        return e2e_rx_main(argc, argv, "recvmsg", 1, 0);
}

/* SPDX-License-Identifier: MIT */
/*
 * The body of the two reference receivers (recvmsg_loop.c, recvmmsg_loop.c): CAN_RAW sockets on
 * the given interfaces under one epoll, read until SIGINT/SIGTERM, then one JSON line with the
 * frames received and the kernel's drops per interface and the receive latency.
 */
#ifndef E2E_RX_H
#define E2E_RX_H

/*
 * batch 1: one recvmsg per readiness (what most programs do); batch > 1: one recvmmsg of up to
 * batch frames per readiness. default_rcvbuf: receive buffer unless --rcvbuf says otherwise
 * (0: the kernel's default). --linger-us US (off by default): after a pass that brought frames,
 * drain every ready socket and sleep US before looking again, a loop that batches by time as
 * canring's engine does (docs/benchmarks.md, "A loop that lingers"). Returns the process exit
 * status.
 */
int e2e_rx_main(int argc, char **argv, const char *name, unsigned batch, int default_rcvbuf);

#endif

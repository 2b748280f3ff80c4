/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the service's control socket end to end: one real service (tests/unit/control_test.h:
 * a stand-in channel socket on "lo") serves every input as one request over a real
 * connection. Input: byte 0 chooses whether the head's length field is the input's (bit 0 set) or
 * the true payload length; then op, flags and the length field as 3 little-endian uint32, 16
 * bytes of interface name, and the payload. The magic and version are always right, so inputs
 * reach the handlers. Every request must get exactly one well-formed reply (magic, seq, a length
 * that matches, a NUL-terminated message) or, for what is not the protocol, a hang-up.
 *
 * Nothing an input can ask reaches a real interface: the only channel is "lo", which is no CAN
 * interface, so sends, BCM tasks, filters and interface control all fail inside the kernel.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../unit/control_test.h"

static struct test_service service;
static int conn = -1;
static uint32_t seq;

static void connect_once(void)
{
        struct sockaddr_un sun = {.sun_family = AF_UNIX};

        if (conn >= 0)
                return;
        test_service_start(&service); /* the unit tests' service: stand-in channel "lo" */
        conn = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (canring_control_path(SEGMENT, sun.sun_path, sizeof(sun.sun_path)) < 0 ||
            connect(conn, (struct sockaddr *)&sun, sizeof(sun)) < 0)
                abort();
}

static uint32_t le32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define HEAD_BYTES (1 + 12 + 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static _Alignas(8) uint8_t msg[CANRING_CONTROL_MSG_MAX + 64];
        static _Alignas(8) uint8_t reply[CANRING_CONTROL_MSG_MAX + 64];
        struct canring_ctl_request *req = (void *)msg;
        const struct canring_ctl_reply *r = (const void *)reply;
        struct pollfd p;
        size_t payload;
        ssize_t n;

        if (size < HEAD_BYTES)
                return 0;
        payload = size - HEAD_BYTES;
        if (sizeof(*req) + payload > sizeof(msg))
                return 0;
        connect_once();
        memset(req, 0, sizeof(*req));
        req->magic = CANRING_CONTROL_MAGIC;
        req->version = CANRING_CONTROL_VERSION;
        req->op = le32(data + 1);
        req->flags = le32(data + 5);
        req->len = (data[0] & 1) ? le32(data + 9) : (uint32_t)payload;
        req->seq = ++seq;
        memcpy(req->ifname, data + 13, sizeof(req->ifname));
        memcpy(req + 1, data + HEAD_BYTES, payload);
        if (send(conn, msg, sizeof(*req) + payload, MSG_NOSIGNAL) < 0)
                abort();
        p = (struct pollfd){.fd = conn, .events = POLLIN};
        if (poll(&p, 1, 30000) != 1)
                abort(); /* every request gets an answer */
        n = recv(conn, reply, sizeof(reply), 0);
        if (n == 0) {
                /* Hung up: only allowed for what is not the protocol (never here). */
                abort();
        }
        if (n < (ssize_t)sizeof(*r) || r->magic != CANRING_CONTROL_MAGIC || r->seq != req->seq ||
            r->op != req->op || sizeof(*r) + r->len != (size_t)n ||
            !memchr(r->message, '\0', sizeof(r->message)) || (r->rc < 0 && !r->message[0]))
                abort();
        return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Bad input: each gives its own -errno and a canring_strerror() message, and touches nothing.
 * Missing segment, foreign file, truncated segment, other layout version, bad names, ring size
 * not a power of two, counts out of range, too many consumers (and reclaiming a dead consumer's
 * slot), a second producer for a live name, a stale segment replaced.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "ring_test.h"

static char path[512];

static void path_of(const char *name)
{
        CHECK_EQ(canring_shm_path(name, path, sizeof(path)), 0);
}

static int exists(const char *name)
{
        struct stat st;

        path_of(name);
        return stat(path, &st) == 0;
}

static void write_file(const char *name, const void *buf, size_t n)
{
        int fd;

        path_of(name);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        CHECK(fd >= 0);
        CHECK_EQ(write(fd, buf, n), n);
        close(fd);
}

static size_t read_file(const char *name, void *buf, size_t n)
{
        int fd;
        ssize_t got;

        path_of(name);
        fd = open(path, O_RDONLY);
        CHECK(fd >= 0);
        got = read(fd, buf, n);
        close(fd);
        CHECK(got >= 0);
        return (size_t)got;
}

static int attach(const char *name)
{
        struct canring_consumer *c = NULL;
        int ret = canring_consumer_attach(name, NULL, &c);

        if (ret == 0)
                canring_consumer_detach(c);
        return ret;
}

static struct canring_producer_config cfg(const char *name)
{
        return (struct canring_producer_config){
            .name = name, .nrings = 1, .ring_size = 8192, .nchannels = 2, .max_consumers = 2};
}

static void test_names_and_sizes(void)
{
        struct canring_producer_config c = cfg(rt_name("sizes"));
        struct canring_producer *p;
        char longname[CANRING_NAME_MAX + 2];

        memset(longname, 'x', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = '\0';
        CHECK_EQ(attach("a/b"), -EINVAL);
        CHECK_EQ(attach(""), -EINVAL);
        CHECK_EQ(attach(".."), -EINVAL);
        CHECK_EQ(attach("sp ace"), -EINVAL);
        CHECK_EQ(attach(longname), -ENAMETOOLONG);
        longname[CANRING_NAME_MAX] = '\0';
        CHECK_EQ(attach(longname), -ENOENT); /* longest allowed name: just missing */
        CHECK_EQ(attach(rt_name("missing")), -ENOENT);

        c.name = "x/y";
        CHECK_EQ(canring_producer_create(&c, &p), -EINVAL);
        c.name = rt_name("sizes");
        c.ring_size = 5000;
        CHECK_EQ(canring_producer_create(&c, &p), -EDOM);
        c.ring_size = 2048; /* a power of two, but below the minimum */
        CHECK_EQ(canring_producer_create(&c, &p), -EDOM);
        c.ring_size = 8192;
        c.nrings = 0;
        CHECK_EQ(canring_producer_create(&c, &p), -ERANGE);
        c.nrings = CANRING_MAX_RINGS + 1;
        CHECK_EQ(canring_producer_create(&c, &p), -ERANGE);
        c.nrings = 1;
        c.max_consumers = 0;
        CHECK_EQ(canring_producer_create(&c, &p), -ERANGE);
        c.max_consumers = 2;
        c.flags = 0x80000000u; /* no such flag */
        CHECK_EQ(canring_producer_create(&c, &p), -EINVAL);
        CHECK(!exists(rt_name("sizes"))); /* nothing was created */
}

static void test_bad_files(void)
{
        struct canring_producer_config c = cfg(rt_name("good"));
        struct canring_producer *p;
        char foreign[] = "this is not a canring segment, it is someone's notes\n";
        static uint8_t seg[16384], back[16384];
        size_t n;

        /* Foreign file: refused by consumers and producers alike, left as it was. */
        write_file(rt_name("foreign"), foreign, sizeof(foreign));
        CHECK_EQ(attach(rt_name("foreign")), -EBADMSG);
        c.name = rt_name("foreign");
        CHECK_EQ(canring_producer_create(&c, &p), -EBADMSG);
        CHECK_EQ(read_file(rt_name("foreign"), back, sizeof(back)), sizeof(foreign));
        CHECK(memcmp(back, foreign, sizeof(foreign)) == 0);
        path_of(rt_name("foreign"));
        unlink(path);

        /* Copies of a real segment's first bytes: truncated, and with another layout version. */
        c.name = rt_name("good");
        CHECK_EQ(canring_producer_create(&c, &p), 0);
        n = read_file(rt_name("good"), seg, sizeof(seg));
        CHECK_EQ(n, sizeof(seg));
        write_file(rt_name("trunc"), seg, 4096);
        CHECK_EQ(attach(rt_name("trunc")), -ENODATA);
        write_file(rt_name("trunc"), seg, 100); /* shorter than the header itself */
        CHECK_EQ(attach(rt_name("trunc")), -ENODATA);
        write_file(rt_name("trunc"), seg, 4); /* not even a magic */
        CHECK_EQ(attach(rt_name("trunc")), -EBADMSG);
        seg[8]++; /* layout_version */
        write_file(rt_name("version"), seg, sizeof(seg));
        CHECK_EQ(attach(rt_name("version")), -EPROTO);
        CHECK_EQ(read_file(rt_name("version"), back, sizeof(back)), sizeof(seg));
        CHECK(memcmp(back, seg, sizeof(seg)) == 0); /* untouched */
        path_of(rt_name("trunc"));
        unlink(path);
        path_of(rt_name("version"));
        unlink(path);
        canring_producer_destroy(p);
        CHECK(!exists(rt_name("good")));
}

static void test_consumers_and_producers(void)
{
        struct canring_producer_config c = cfg(rt_name("slots"));
        struct canring_producer *p, *p2;
        struct canring_consumer *a, *b, *d;
        uint64_t instance;
        pid_t pid;
        int status;

        CHECK_EQ(canring_producer_create(&c, &p), 0);
        CHECK_EQ(canring_producer_create(&c, &p2), -EBUSY); /* the name is owned */
        CHECK_EQ(canring_consumer_attach(c.name, NULL, &a), 0);
        CHECK_EQ(canring_consumer_attach(c.name, NULL, &b), 0);
        CHECK_EQ(canring_consumer_attach(c.name, NULL, &d), -EUSERS);
        canring_consumer_detach(b);
        /* A consumer process that dies attached leaves a slot that the next consumer reclaims. */
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
                struct canring_consumer *x;

                _exit(canring_consumer_attach(c.name, NULL, &x) == 0 ? 0 : 1);
        }
        CHECK_EQ(waitpid(pid, &status, 0), pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CHECK_EQ(canring_producer_consumers(p), 1); /* the dead one is not counted */
        CHECK_EQ(canring_consumer_attach(c.name, NULL, &d), 0);
        CHECK_EQ(canring_consumer_attach(c.name, NULL, &b), -EUSERS);
        instance = canring_consumer_instance(a);
        canring_consumer_detach(d);

        /* A producer process that dies leaves a stale segment: the next producer replaces it. */
        canring_producer_destroy(p);
        c.name = rt_name("stale");
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
                struct canring_producer *x;

                _exit(canring_producer_create(&c, &x) == 0 ? 0 : 1);
        }
        CHECK_EQ(waitpid(pid, &status, 0), pid);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        CHECK(exists(c.name));
        CHECK_EQ(canring_consumer_attach(c.name, NULL, &b), 0);
        CHECK_EQ(canring_consumer_producer_state(b), CANRING_PRODUCER_DEAD);
        CHECK_EQ(canring_consumer_wait(b, 10), -EOWNERDEAD);
        CHECK_EQ(canring_producer_create(&c, &p), 0);
        CHECK_EQ(canring_consumer_producer_state(b), CANRING_PRODUCER_RESTARTED);
        CHECK_EQ(canring_consumer_wait(b, -1), -ECONNRESET);
        CHECK_EQ(canring_consumer_attach(c.name, NULL, &d), 0);
        CHECK(canring_consumer_instance(d) != canring_consumer_instance(b));
        CHECK(canring_consumer_instance(d) != instance);
        canring_consumer_detach(b);
        canring_consumer_detach(d);
        canring_consumer_detach(a);
        canring_producer_destroy(p);
}

static void test_messages(void)
{
        static const int codes[] = {ENOENT,  EINVAL,     ENAMETOOLONG, EDOM,   ERANGE,
                                    EBADMSG, EPROTO,     ENODATA,      EBUSY,  EUSERS,
                                    EAGAIN,  EMSGSIZE,   EALREADY,     ESTALE, ETIMEDOUT,
                                    EPIPE,   EOWNERDEAD, ECONNRESET};
        size_t n = sizeof(codes) / sizeof(codes[0]);

        for (size_t i = 0; i < n; i++) {
                const char *m = canring_strerror(-codes[i]);

                CHECK(m && *m);
                CHECK(strcmp(m, canring_strerror(codes[i])) == 0);
                for (size_t j = 0; j < i; j++) {
                        CHECK(codes[i] != codes[j]);
                        CHECK(strcmp(m, canring_strerror(-codes[j])) != 0);
                }
        }
        CHECK(strcmp(canring_strerror(-ENOMEM), strerror(ENOMEM)) == 0);
}

int main(void)
{
        test_names_and_sizes();
        test_bad_files();
        test_consumers_and_producers();
        test_messages();
        printf("ok\n");
        return 0;
}

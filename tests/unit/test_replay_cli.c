/* SPDX-License-Identifier: MIT */
/*
 * `canring replay` without CAN: usage errors exit 2, unreadable or malformed files exit 1 with
 * the line number and send nothing, and canplayer's stdout=IF hook replays the selected lines of
 * a log (6- and 9-digit timestamps, with original timing and with -t, once and looped) while
 * lines of unassigned interfaces are skipped. Runs the built program (BUILD/tools/canring).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgen.h>
#include <sys/wait.h>

static int failures;
static char prog[4096];
static char dir[] = "/tmp/test_replay_cli.XXXXXX";

/* Runs `canring ARGS`; checks the exit status, stdout (exactly OUT, or NULL: anything) and that
 * stderr contains ERR. */
static void expect(int status, const char *out, const char *err, const char *args)
{
        char cmd[16384], got[65536], gerr[8192], errpath[256];
        snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
        snprintf(cmd, sizeof(cmd), "cd %s && %s %s 2>%s %s", dir, prog, args, errpath,
                 strchr(args, '<') ? "" : "</dev/null");
        FILE *p = popen(cmd, "r");
        if (!p) {
                failures++;
                return;
        }
        size_t n = fread(got, 1, sizeof(got) - 1, p);
        got[n] = '\0';
        int st = pclose(p);
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        FILE *e = fopen(errpath, "r");
        n = e ? fread(gerr, 1, sizeof(gerr) - 1, e) : 0;
        gerr[n] = '\0';
        if (e)
                fclose(e);
        if (code != status || (out && strcmp(got, out) != 0) || !strstr(gerr, err)) {
                fprintf(stderr,
                        "canring %s: exit %d (want %d)\nstdout:\n%s(want:\n%s)\nstderr:\n%s(want "
                        "'%s')\n",
                        args, code, status, got, out ? out : "(any)", gerr, err);
                failures++;
        }
}

static void write_file(const char *name, const char *text)
{
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
                perror(path);
                exit(1);
        }
}

static const char LOG[] = "(1600000000.000000) vcan0 123#11\n"
                          "(1600000000.001000) vcan1 456#22\n"
                          "# a comment\n"
                          "\n"
                          "(1600000000.002000) vcan0 12345678#3344 R\n"
                          "(1600000000.003500) vcan0 7FF##1AABB T\n";

static const char VCAN0[] = "(1600000000.000000) vcan0 123#11\n"
                            "(1600000000.002000) vcan0 12345678#3344 R\n"
                            "(1600000000.003500) vcan0 7FF##1AABB T\n";

static const char NSLOG[] = "(1600000000.000000001) can0 001#01\n"
                            "(1600000000.000500002) can0 002#R\n"
                            "(1600000000.000700003) can1 003#03\n";

int main(void)
{
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0)
                return 77;
        self[n] = '\0';
        snprintf(prog, sizeof(prog), "%s/../tools/canring", dirname(self));
        if (access(prog, X_OK) != 0) {
                fprintf(stderr, "%s not built\n", prog);
                return 77;
        }
        char cmd[8192];
        snprintf(cmd, sizeof(cmd), "%s help | grep -q '^  replay '", prog);
        if (system(cmd) != 0) {
                fprintf(stderr, "replay is not in tools/main.c's dispatch table yet\n");
                return 77;
        }
        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        write_file("a.log", LOG);
        write_file("ns.log", NSLOG);
        write_file("bad.log", "(1600000000.000000) vcan0 123#11\n"
                              "# fine\n"
                              "(1600000000.001000) vcan0 123#1\n");
        write_file("junk.log", "(1600000000.000000) stdout0 123#11\n"
                               "  vcan0  123   [1]  11\n");
        write_file("fd.log", "(1600000000.000000) lo 123##0112233\n");

        expect(0, NULL, "", "replay --help");
        expect(2, "", "unknown option '-q'", "replay -q -I a.log");
        expect(2, "", "option -I needs a value", "replay -I");
        expect(2, "", "bad -l '0'", "replay -I a.log -l 0");
        expect(2, "", "bad -l 'x'", "replay -I a.log -l x");
        expect(2, "", "-l needs a file", "replay -l 2");
        expect(2, "", "-l needs a file", "replay -l i -I -");
        expect(2, "", "bad -g", "replay -t -g fast -I a.log");
        expect(2, "", "bad -s '0'", "replay -s 0 -I a.log");
        expect(2, "", "bad --timeout", "replay --timeout x -I a.log");
        expect(2, "", "bad assignment 'vcan0'", "replay -I a.log vcan0");
        expect(2, "", "bad assignment '=vcan0'", "replay -I a.log =vcan0");
        expect(2, "", "bad assignment 'vcan1='", "replay -I a.log vcan1=");
        expect(2, "", "interface name too long",
               "replay -I a.log vcan1=averyveryverylonginterfacename");
        expect(2, "", "vcan0 is assigned twice", "replay -I a.log stdout=vcan0 stdout=vcan0");
        expect(1, "", "nothere.log: No such file", "replay -I nothere.log");
        expect(1, "", "nocan-xyz9: no such interface", "replay -I a.log nocan-xyz9=vcan0");

        /* canplayer's hook: the vcan0 lines as they are, vcan1 skipped */
        expect(0, VCAN0, "", "replay -t -I a.log stdout=vcan0");
        expect(0, VCAN0, "", "replay -I a.log stdout=vcan0");
        char twice[sizeof(VCAN0) * 3];
        snprintf(twice, sizeof(twice), "%s%s%s", VCAN0, VCAN0, VCAN0);
        expect(0, twice, "", "replay -t -l 3 -I a.log stdout=vcan0");
        expect(0, VCAN0, "", "replay -t stdout=vcan0 < a.log");
        expect(0, VCAN0, "", "replay -t -I - stdout=vcan0 < a.log");
        expect(0, "(1600000000.000000001) can0 001#01\n(1600000000.000500002) can0 002#R\n", "",
               "replay -I ns.log stdout=can0");
        expect(0, "", "", "replay -I ns.log stdout=can7");
        expect(0, "(1600000000.000700003) can1 003#03\n", "1 frames sent, 2 skipped",
               "replay -v -I ns.log stdout=can1");

        /* malformed lines are found before anything is replayed, with their number */
        expect(1, "", "bad.log:3:", "replay -t -I bad.log stdout=vcan0");
        expect(1, "", "junk.log:2:", "replay -t -I junk.log stdout=stdout0");
        /* from stdin: line by line, so the good first line is already out */
        expect(1, "(1600000000.000000) vcan0 123#11\n",
               "<stdin>:3:", "replay -t stdout=vcan0 < bad.log");
        /* without assignments every logged interface must exist */
        expect(1, "", "lo is not a CAN interface", "replay -t -I fd.log");

        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", dir);
        return failures ? 1 : 0;
}

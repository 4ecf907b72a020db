/* A tiny test harness for the partcert C tests: named cases, counted
 * checks, TAP-like output ("ok - case" / "not ok - case"), exit status 1
 * on any failure. Header-only so each test is one translation unit. */
#ifndef PARTCERT_TEST_HARNESS_H
#define PARTCERT_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partcert.h"

static int h_checks;
static int h_failed_checks;
static int h_case_failed;
static int h_cases_passed;
static int h_cases_failed;
static const char *h_case = "";

static const char *h_name(partcert_result rc) {
    static char name[64];
    size_t len = 0;
    if (partcert_result_name(rc, name, sizeof name, &len) != PARTCERT_RESULT_OK) {
        return "?";
    }
    return name;
}

#define H_FAIL(...)                                                          \
    do {                                                                     \
        h_failed_checks++;                                                   \
        h_case_failed = 1;                                                   \
        fprintf(stderr, "%s:%d: [%s] ", __FILE__, __LINE__, h_case);         \
        fprintf(stderr, __VA_ARGS__);                                        \
        fputc('\n', stderr);                                                 \
    } while (0)

/* A condition that must hold. */
#define CHECK(cond)                                                          \
    do {                                                                     \
        h_checks++;                                                          \
        if (!(cond)) H_FAIL("check failed: %s", #cond);                      \
    } while (0)

/* A call that must return exactly `want`. */
#define CHECK_RC(expr, want)                                                 \
    do {                                                                     \
        partcert_result h_rc = (expr);                                       \
        partcert_result h_want = (want);                                     \
        h_checks++;                                                          \
        if (h_rc != h_want) {                                                \
            char h_got_name[64];                                             \
            snprintf(h_got_name, sizeof h_got_name, "%s", h_name(h_rc));     \
            H_FAIL("%s returned %u (%s), expected %u (%s)", #expr,           \
                   (unsigned)h_rc, h_got_name, (unsigned)h_want,             \
                   h_name(h_want));                                          \
        }                                                                    \
    } while (0)

/* A call that must succeed. */
#define OK(expr) CHECK_RC(expr, PARTCERT_RESULT_OK)

/* Two strings that must be equal. */
#define CHECK_STR(got, want)                                                 \
    do {                                                                     \
        const char *h_g = (got), *h_w = (want);                              \
        h_checks++;                                                          \
        if (strcmp(h_g, h_w) != 0)                                           \
            H_FAIL("%s is \"%s\", expected \"%s\"", #got, h_g, h_w);         \
    } while (0)

/* A string that must contain `needle`. */
#define CHECK_CONTAINS(haystack, needle)                                     \
    do {                                                                     \
        const char *h_h = (haystack), *h_n = (needle);                       \
        h_checks++;                                                          \
        if (strstr(h_h, h_n) == NULL)                                        \
            H_FAIL("%s (\"%s\") lacks \"%s\"", #haystack, h_h, h_n);         \
    } while (0)

static void h_run(const char *name, void (*test)(void)) {
    h_case = name;
    h_case_failed = 0;
    test();
    if (h_case_failed) {
        h_cases_failed++;
        printf("not ok - %s\n", name);
    } else {
        h_cases_passed++;
        printf("ok - %s\n", name);
    }
    fflush(stdout);
}

#define RUN(test) h_run(#test, test)

/* Prints the tally and returns the process exit status. */
static int h_finish(const char *program) {
    printf("# %s: %d cases passed, %d failed, %d checks, %d failed checks\n",
           program, h_cases_passed, h_cases_failed, h_checks, h_failed_checks);
    return h_cases_failed == 0 && h_failed_checks == 0 ? 0 : 1;
}

#endif /* PARTCERT_TEST_HARNESS_H */

/* A tiny test harness for the partcert C tests: named cases, counted
 * checks, TAP-like output ("ok - case" / "not ok - case"), exit status 1
 * on any failure. Header-only so each test is one translation unit.
 *
 * Inside OK(), CHECK_RC() and CHECK_FAIL(), pass `E` as a call's
 * `partcert_error **error_out`: a failing call must then hand back an
 * error whose code is the one it returned and whose message is not empty
 * (checked for every such call), and an unexpected failure prints the
 * detailed message. */
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

__attribute__((unused)) static const char *h_name(partcert_result rc) { return partcert_result_name(rc).data; }

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

/* The error out-parameter of the call inside OK/CHECK_RC/CHECK_FAIL. */
#define E (&h_err)

/* Checks the error a call handed back (if it was given `E`). */
__attribute__((unused)) static void h_check_error(const char *expr, partcert_result rc, const partcert_error *err,
                          const char *needle, const char *file, int line) {
    int uses_e = strstr(expr, "h_err") != NULL || strstr(expr, ", E)") != NULL ||
                 strstr(expr, "(E)") != NULL;
    h_checks++;
    if (rc == PARTCERT_RESULT_OK || !uses_e) {
        if (err != NULL) {
            h_failed_checks++;
            h_case_failed = 1;
            fprintf(stderr, "%s:%d: [%s] %s succeeded but wrote an error\n", file, line, h_case,
                    expr);
        }
        return;
    }
    if (err == NULL || partcert_error_code(err) != rc || partcert_error_message(err).len == 0 ||
        strlen(partcert_error_message(err).data) != partcert_error_message(err).len ||
        (needle != NULL && strstr(partcert_error_message(err).data, needle) == NULL)) {
        h_failed_checks++;
        h_case_failed = 1;
        fprintf(stderr, "%s:%d: [%s] %s: error detail is wrong: code %u, message \"%s\"%s%s\n",
                file, line, h_case, expr, (unsigned)partcert_error_code(err),
                err ? partcert_error_message(err).data : "(no error)",
                needle ? ", expected it to contain: " : "", needle ? needle : "");
    }
}

/* A call that must return exactly `want` (and, given E, explain itself). */
#define CHECK_FAIL(expr, want, needle)                                       \
    do {                                                                     \
        partcert_error *h_err = NULL;                                        \
        partcert_result h_rc = (expr);                                       \
        partcert_result h_want = (want);                                     \
        h_checks++;                                                          \
        if (h_rc != h_want) {                                                \
            char h_got_name[64];                                             \
            snprintf(h_got_name, sizeof h_got_name, "%s", h_name(h_rc));     \
            H_FAIL("%s returned %u (%s), expected %u (%s): %s", #expr,       \
                   (unsigned)h_rc, h_got_name, (unsigned)h_want,             \
                   h_name(h_want),                                           \
                   h_err ? partcert_error_message(h_err).data : "");         \
        } else {                                                             \
            h_check_error(#expr, h_rc, h_err, (needle), __FILE__, __LINE__); \
        }                                                                    \
        partcert_error_free(h_err);                                          \
    } while (0)

#define CHECK_RC(expr, want) CHECK_FAIL(expr, want, NULL)

/* A call that must succeed. */
#define OK(expr) CHECK_RC(expr, PARTCERT_RESULT_OK)

/* A call that must fail with 500 (NULL_ARGUMENT), its error naming the
 * NULL argument. ffi/tests/run.sh checks that every fallible function
 * appears in one, in some test. */
#define CHECK_NULL(expr, argument)                                           \
    CHECK_FAIL(expr, PARTCERT_RESULT_NULL_ARGUMENT, "argument `" argument "` is NULL")

/* Two strings that must be equal. */
#define CHECK_STR(got, want)                                                 \
    do {                                                                     \
        const char *h_g = (got), *h_w = (want);                              \
        h_checks++;                                                          \
        if (h_g == NULL || strcmp(h_g, h_w) != 0)                            \
            H_FAIL("%s is \"%s\", expected \"%s\"", #got, h_g ? h_g : "(null)", h_w); \
    } while (0)

/* A borrowed partcert_str that must equal `want` (and be NUL-terminated
 * at its length). */
#define CHECK_PSTR(got, want)                                                \
    do {                                                                     \
        partcert_str h_s = (got);                                            \
        h_checks++;                                                          \
        if (h_s.data == NULL || strlen(h_s.data) != h_s.len ||               \
            strcmp(h_s.data, (want)) != 0)                                   \
            H_FAIL("%s is \"%s\", expected \"%s\"", #got,                    \
                   h_s.data ? h_s.data : "(null)", (want));                  \
    } while (0)

/* A string that must contain `needle`. */
#define CHECK_CONTAINS(haystack, needle)                                     \
    do {                                                                     \
        const char *h_h = (haystack), *h_n = (needle);                       \
        h_checks++;                                                          \
        if (h_h == NULL || strstr(h_h, h_n) == NULL)                         \
            H_FAIL("%s (\"%s\") lacks \"%s\"", #haystack, h_h ? h_h : "(null)", h_n); \
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

/* Borrowed handles are `const`: freeing one must not compile (C++ always;
 * C with -Werror or -pedantic-errors). ffi/tests/run.sh compiles this file
 * once per PARTCERT_CASE (each must fail) and once without (must pass). */
#include "partcert.h"

void misuse(partcert_handset_report *report, partcert_verdict *verdict);

void misuse(partcert_handset_report *report, partcert_verdict *verdict) {
    const partcert_fitted_part *part = partcert_handset_report_part(report, 0);
    const partcert_blocklist_status *status = partcert_verdict_blocklist(verdict);
    partcert_str summary = partcert_verdict_summary(verdict);
    (void)part;
    (void)status;
    (void)summary;
#if PARTCERT_CASE == 1 /* a verdict borrowed from a report */
    partcert_verdict_free(part->verdict);
#elif PARTCERT_CASE == 2 /* an error borrowed from a report */
    partcert_error_free(part->error);
#elif PARTCERT_CASE == 3 /* a standing borrowed from a verdict: it has no _free at all */
    partcert_blocklist_status_free(status);
#elif PARTCERT_CASE == 4 /* borrowed text is not bytes the caller owns */
    partcert_bytes_free(summary.data);
#elif PARTCERT_CASE == 5 /* a struct borrowed from a report */
    partcert_verdict_free(part);
#elif PARTCERT_CASE == 6 /* a refused pairing record's error, borrowed from a verdict */
    partcert_error_free(partcert_verdict_pairing_refused(verdict));
#elif PARTCERT_CASE == 7 /* ... and from a handset report */
    partcert_error_free(partcert_handset_report_pairing_refused(report));
#endif
}

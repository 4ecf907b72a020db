/* Ownership and threads: every `_free(NULL)` is a no-op, every object made
 * is freed (ASan's leak checker and valgrind would report any leak), copies
 * outlive their sources, replaced fields are released, and the read-only
 * objects serve many threads at once. */
#include <pthread.h>

#include "world.h"

static world w;

static void free_null_is_a_no_op(void) {
    partcert_trust_store_free(NULL);
    partcert_blocklist_free(NULL);
    partcert_part_evidence_free(NULL);
    partcert_handset_evidence_free(NULL);
    partcert_verdict_free(NULL);
    partcert_handset_report_free(NULL);
    partcert_authority_free(NULL);
    partcert_bytes_free(NULL);
    partcert_blocklist_entries_free(NULL);
    CHECK(1);
}

/* Every constructor's object, made and freed many times. */
static void every_object_is_freed(void) {
    for (int round = 0; round < 3; round++) {
        partcert_trust_store *trust = NULL;
        partcert_blocklist *blocklist = NULL, *restored = NULL;
        partcert_blocklist_entries *entries = NULL;
        partcert_authority *authority = NULL;
        partcert_bytes *certificate = NULL;
        uint8_t seed[32], state[PARTCERT_MAX_ROLLBACK_STATE_LEN];
        size_t len = 0;
        partcert_str makers[] = {str_of("R")};
        OK(partcert_trust_store_new(&trust));
        OK(partcert_blocklist_new(&blocklist));
        OK(partcert_blocklist_rollback_state(blocklist, state, sizeof state, &len));
        OK(partcert_blocklist_new_with_rollback_state(state, len, &restored));
        OK(partcert_blocklist_entries_new(&entries));
        seed_of(seed, (uint8_t)(30 + round));
        OK(partcert_authority_new_manufacturer_root(seed, "R", 1, makers, 1, T0, YEARS(1),
                                                    &authority));
        OK(partcert_authority_certificate(authority, &certificate));
        partcert_bytes_free(certificate);
        partcert_authority_free(authority);
        partcert_blocklist_entries_free(entries);
        partcert_blocklist_free(restored);
        partcert_blocklist_free(blocklist);
        partcert_trust_store_free(trust);
    }
}

/* Setting a field again releases the old value; the builder copies what it
 * is given, so the caller's buffers may go away at once. */
static void builders_copy_and_replace(void) {
    partcert_part_evidence *evidence = NULL;
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report = NULL;
    partcert_verdict *verdict = NULL;
    partcert_bytes *response = NULL;
    uint8_t seed[32], nonce[32];
    uint8_t *scratch = malloc(blen(w.battery_a));
    bool all_clean = false;

    /* The certificate bytes are freed right after the evidence is made. */
    memcpy(scratch, bdata(w.battery_a), blen(w.battery_a));
    OK(partcert_part_evidence_new(scratch, blen(w.battery_a), &evidence));
    free(scratch);
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(w.line_cert),
                                                    blen(w.line_cert)));
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d), blen(w.record_d)));
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_a), blen(w.record_a)));
    seed_of(seed, BATTERY_SEED);
    for (int i = 0; i < 2; i++) {
        OK(partcert_challenge_generate(nonce));
        OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                      &response));
        OK(partcert_part_evidence_set_challenge(evidence, nonce, bdata(response),
                                                blen(response)));
        partcert_bytes_free(response);
    }
    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    partcert_verdict_free(verdict);

    /* The handset evidence keeps its own copy of the part evidence. */
    OK(partcert_handset_evidence_new(bdata(w.record_a), blen(w.record_a), &handset));
    OK(partcert_handset_evidence_add_part(handset, evidence));
    partcert_part_evidence_free(evidence);
    OK(partcert_verify_handset(w.trust, NULL, handset, NOW, &report));
    partcert_handset_evidence_free(handset);
    /* A verdict copied out of a report outlives the report. */
    OK(partcert_handset_report_part_verdict(report, 0, &verdict));
    OK(partcert_handset_report_all_original_and_clean(report, &all_clean));
    CHECK(!all_clean); /* board and screen are missing */
    partcert_handset_report_free(report);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (key-proven), fitted in this handset, blocklist not checked");
    partcert_verdict_free(verdict);
}

/* Borrowed pointers live as long as their owner. */
static void borrowed_pointers(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL, *again = NULL;
    partcert_blocklist_state state = 0;
    const uint8_t *data = NULL;
    size_t len = 0;
    partcert_bytes *certificate = NULL;

    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    /* The blocklist and evidence may go: the verdict owns what it reports. */
    partcert_blocklist_free(blocklist);
    partcert_part_evidence_free(evidence);
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_verdict_blocklist(verdict, &again));
    CHECK(status == again);
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    partcert_verdict_free(verdict);

    OK(partcert_authority_certificate(w.line, &certificate));
    OK(partcert_bytes_data(certificate, &data, &len));
    CHECK(len == blen(w.line_cert));
    CHECK(memcmp(data, bdata(w.line_cert), len) == 0);
    partcert_bytes_free(certificate);
}

/* Failing calls allocate nothing the caller must free. */
static void failures_leave_nothing_to_free(void) {
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    partcert_blocklist *blocklist = NULL;
    partcert_bytes *out = NULL;
    for (int i = 0; i < 5; i++) {
        CHECK_RC(partcert_part_evidence_new(bdata(w.screen_d), blen(w.screen_d) - 1, &evidence),
                 PARTCERT_RESULT_TRUNCATED);
        CHECK_RC(partcert_blocklist_new_with_rollback_state((const uint8_t *)"nope", 4,
                                                            &blocklist),
                 PARTCERT_RESULT_BAD_MAGIC);
        CHECK_RC(partcert_authority_revoke(w.line, 1, NOW, NULL, 0, &out),
                 PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    }
    OK(partcert_part_evidence_new(bdata(w.screen_d), blen(w.screen_d), &evidence));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK(evidence != NULL && verdict == NULL && blocklist == NULL && out == NULL);
    partcert_part_evidence_free(evidence);
}

/* Many threads verify against one trust store and one blocklist (read-only,
 * so shared without a lock), each with its own evidence and verdicts. */
#define THREADS 4
#define ROUNDS 8

typedef struct job {
    const partcert_blocklist *blocklist;
    const partcert_bytes *part;
    int expect_blocked;
    int failures;
} job;

static void *verify_many(void *arg) {
    job *j = arg;
    for (int i = 0; i < ROUNDS; i++) {
        partcert_part_evidence *evidence = NULL;
        partcert_verdict *verdict = NULL;
        bool blocked = false;
        char summary[128];
        size_t len = 0;
        if (partcert_part_evidence_new(bdata(j->part), blen(j->part), &evidence) != 0 ||
            partcert_part_evidence_add_chain_certificate(evidence, bdata(w.line_cert),
                                                         blen(w.line_cert)) != 0 ||
            partcert_verify_part(w.trust, j->blocklist, NULL, 0, evidence, NOW, &verdict) != 0 ||
            partcert_verdict_is_blocked(verdict, &blocked) != 0 ||
            partcert_verdict_summary(verdict, summary, sizeof summary, &len) != 0 ||
            (int)blocked != j->expect_blocked) {
            j->failures++;
        }
        partcert_verdict_free(verdict);
        partcert_part_evidence_free(evidence);
    }
    return NULL;
}

static void threads_share_read_only_objects(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    pthread_t threads[THREADS];
    job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i].blocklist = blocklist;
        jobs[i].part = i % 2 ? w.screen_a : w.screen_d;
        jobs[i].expect_blocked = i % 2;
        jobs[i].failures = 0;
        CHECK(pthread_create(&threads[i], NULL, verify_many, &jobs[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(jobs[i].failures == 0);
    }
    partcert_blocklist_free(blocklist);
}

/* Copy and swap: an update applied to a copy leaves the original as it was. */
static void copies_are_independent(void) {
    partcert_blocklist *current = NULL, *next = NULL;
    partcert_trust_store *trust = NULL;
    partcert_list_version version = {0, 0};
    size_t count = 0, manufacturers = 0, blocklists = 0;
    OK(partcert_blocklist_new(&current));
    OK(partcert_blocklist_apply_snapshot(current, w.trust, bdata(w.s1), blen(w.s1), NOW,
                                         &version));
    OK(partcert_blocklist_clone(current, &next));
    OK(partcert_blocklist_apply_delta(next, w.trust, bdata(w.delta12), blen(w.delta12), NOW,
                                      &version));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 2);
    {
        partcert_list_info info;
        OK(partcert_blocklist_list(current, 0, &info));
        CHECK(info.sequence == 1);
        CHECK(info.entry_count == 0);
        OK(partcert_blocklist_list(next, 0, &info));
        CHECK(info.sequence == 2);
    }
    partcert_blocklist_free(current);
    current = next; /* the swap */
    OK(partcert_blocklist_list_count(current, &count));
    CHECK(count == 1);
    partcert_blocklist_free(current);

    OK(partcert_trust_store_clone(w.trust, &trust));
    OK(partcert_trust_store_root_counts(trust, &manufacturers, &blocklists));
    CHECK(manufacturers == 1 && blocklists == 1);
    partcert_trust_store_free(trust);
    CHECK_RC(partcert_trust_store_clone(NULL, &trust), PARTCERT_RESULT_NULL_ARGUMENT);
    CHECK_RC(partcert_trust_store_clone(w.trust, NULL), PARTCERT_RESULT_NULL_ARGUMENT);
    next = NULL;
    CHECK_RC(partcert_blocklist_clone(NULL, &next), PARTCERT_RESULT_NULL_ARGUMENT);
    CHECK(next == NULL);
    OK(partcert_blocklist_new(&current));
    CHECK_RC(partcert_blocklist_clone(current, NULL), PARTCERT_RESULT_NULL_ARGUMENT);
    partcert_blocklist_free(current);
}

/* An object made on one thread may be freed on another. */
static void *free_elsewhere(void *arg) {
    partcert_verdict_free(arg);
    return NULL;
}

static void objects_move_between_threads(void) {
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    pthread_t thread;
    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    CHECK(pthread_create(&thread, NULL, free_elsewhere, verdict) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    partcert_part_evidence_free(evidence);
}

int main(void) {
    RUN(free_null_is_a_no_op);
    world_build(&w);
    RUN(every_object_is_freed);
    RUN(builders_copy_and_replace);
    RUN(borrowed_pointers);
    RUN(failures_leave_nothing_to_free);
    RUN(threads_share_read_only_objects);
    RUN(copies_are_independent);
    RUN(objects_move_between_threads);
    world_free(&w);
    return h_finish("test_ownership");
}

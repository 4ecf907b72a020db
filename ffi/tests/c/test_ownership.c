/* Ownership and threads: every `_free(NULL)` is a no-op, every object made
 * is freed (ASan's leak checker and valgrind would report any leak),
 * borrowed data lives as long as its owner, shared objects are
 * reference-counted snapshots, replaced fields are released, and the
 * read-only objects serve many threads at once. (Freeing a borrowed handle
 * does not compile: ffi/tests/run.sh checks that with
 * ffi/tests/compile_fail/.) */
#include <pthread.h>

#include "world.h"

static world w;

static void free_null_is_a_no_op(void) {
    partcert_trust_store_free(NULL);
    partcert_trust_store_holder_free(NULL);
    partcert_blocklist_free(NULL);
    partcert_blocklist_holder_free(NULL);
    partcert_part_evidence_free(NULL);
    partcert_handset_evidence_free(NULL);
    partcert_verdict_free(NULL);
    partcert_handset_report_free(NULL);
    partcert_authority_free(NULL);
    partcert_bytes_free(NULL);
    partcert_blocklist_entries_free(NULL);
    partcert_part_spec_free(NULL);
    partcert_error_free(NULL);
    CHECK(1);
}

/* Every constructor's object, made and freed many times. */
static void every_object_is_freed(void) {
    for (int round = 0; round < 3; round++) {
        partcert_trust_store *trust = partcert_trust_store_new();
        partcert_blocklist *blocklist = partcert_blocklist_new(), *restored = NULL;
        partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
        partcert_authority *authority = NULL;
        partcert_bytes *state = NULL;
        partcert_blocklist_holder *holder = NULL;
        partcert_trust_store_holder *trust_holder = NULL;
        partcert_part_spec *spec = NULL;
        uint8_t seed[32];
        partcert_str makers[] = {str_of("R")};
        OK(partcert_blocklist_rollback_state(blocklist, &state, E));
        OK(partcert_blocklist_new_with_rollback_state(bdata(state), blen(state), &restored, E));
        seed_of(seed, (uint8_t)(30 + round));
        OK(partcert_authority_new_manufacturer_root(seed, "R", 1, makers, 1, T0, YEARS(1),
                                                    &authority, E));
        CHECK(partcert_authority_certificate(authority).len > 0);
        OK(partcert_blocklist_holder_new(blocklist, &holder, E));
        OK(partcert_trust_store_holder_new(trust, &trust_holder, E));
        OK(partcert_part_spec_new(1, "R", 1, "M", 1, "S", 1, &spec, E));
        partcert_part_spec_free(spec);
        partcert_trust_store_holder_free(trust_holder);
        partcert_blocklist_holder_free(holder);
        partcert_bytes_free(state);
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
    char *summary;

    /* The certificate bytes are freed right after the evidence is made. */
    memcpy(scratch, bdata(w.battery_a), blen(w.battery_a));
    OK(partcert_part_evidence_new(scratch, blen(w.battery_a), &evidence, E));
    free(scratch);
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(w.line_cert),
                                                    blen(w.line_cert), E));
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d), blen(w.record_d),
                                                 E));
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_a), blen(w.record_a),
                                                 E));
    seed_of(seed, BATTERY_SEED);
    for (int i = 0; i < 2; i++) {
        OK(partcert_challenge_generate(nonce, E));
        OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                      &response, E));
        OK(partcert_part_evidence_set_challenge(evidence, nonce, bdata(response),
                                                blen(response), E));
        partcert_bytes_free(response);
    }
    verdict = verify(&w, NULL, evidence, NOW);
    partcert_verdict_free(verdict);

    /* The handset evidence keeps its own copy of the part evidence. */
    OK(partcert_handset_evidence_new(bdata(w.record_a), blen(w.record_a), &handset, E));
    OK(partcert_handset_evidence_add_part(handset, evidence, E));
    partcert_part_evidence_free(evidence);
    OK(partcert_verify_handset(w.trust, NULL, handset, NOW, &report, E));
    partcert_handset_evidence_free(handset);
    CHECK(!partcert_handset_report_all_original_and_clean(report)); /* board, screen missing */
    /* What the report lends lives as long as the report: copy it to keep. */
    {
        partcert_str text =
            partcert_verdict_summary(partcert_handset_report_part(report, 0)->verdict);
        summary = malloc(text.len + 1);
        memcpy(summary, text.data, text.len + 1);
    }
    partcert_handset_report_free(report);
    CHECK_STR(summary, "genuine (key-proven), fitted in this handset, blocklist not checked");
    free(summary);
}

/* Borrowed pointers live as long as their owner, and are the same each
 * time. */
static void borrowed_pointers(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = verify(&w, blocklist, evidence, NOW);
    partcert_slice certificate;

    /* The blocklist and evidence may go: the verdict owns what it reports. */
    partcert_blocklist_free(blocklist);
    partcert_part_evidence_free(evidence);
    CHECK(partcert_verdict_blocklist(verdict) == partcert_verdict_blocklist(verdict));
    CHECK(partcert_verdict_summary(verdict).data == partcert_verdict_summary(verdict).data);
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_BLOCKED);
    partcert_verdict_free(verdict);

    certificate = partcert_authority_certificate(w.line);
    CHECK(certificate.len == blen(w.line_cert));
    CHECK(memcmp(certificate.data, bdata(w.line_cert), certificate.len) == 0);
}

/* Failing calls allocate nothing the caller must free (except the error,
 * when asked for). */
static void failures_leave_nothing_to_free(void) {
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    partcert_blocklist *blocklist = NULL;
    partcert_bytes *out = NULL;
    partcert_trust_store *bare = trust_without_pool(&w);
    for (int i = 0; i < 5; i++) {
        CHECK_RC(partcert_part_evidence_new(bdata(w.screen_d), blen(w.screen_d) - 1, &evidence,
                                            E),
                 PARTCERT_RESULT_TRUNCATED);
        CHECK_RC(partcert_blocklist_new_with_rollback_state((const uint8_t *)"nope", 4,
                                                            &blocklist, NULL),
                 PARTCERT_RESULT_BAD_MAGIC);
        CHECK_RC(partcert_authority_revoke(w.line, 1, NOW, NULL, NULL, 0, &out, E),
                 PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    }
    OK(partcert_part_evidence_new(bdata(w.screen_d), blen(w.screen_d), &evidence, E));
    CHECK_RC(partcert_verify_part(bare, NULL, NULL, 0, evidence, NOW, &verdict, E),
             PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK(evidence != NULL && verdict == NULL && blocklist == NULL && out == NULL);
    partcert_part_evidence_free(evidence);
    partcert_trust_store_free(bare);
}

/* Shared objects: `_share` hands out another reference to the same
 * object, which stays valid (and unchanged) after the first is released. */
static void shared_objects_are_reference_counted(void) {
    partcert_blocklist *mine = blocklist_at_s2(&w);
    partcert_blocklist *reader = partcert_blocklist_share(mine);
    partcert_blocklist *copy = partcert_blocklist_clone(mine);
    partcert_trust_store *trust = partcert_trust_store_share(w.trust);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;

    CHECK(reader == mine);
    CHECK(copy != NULL && copy != mine);
    partcert_blocklist_free(mine); /* the reader's reference keeps it alive */
    OK(partcert_verify_part(trust, reader, NULL, 0, evidence, NOW, &verdict, E));
    CHECK(partcert_verdict_is_blocked(verdict));
    partcert_verdict_free(verdict);
    partcert_blocklist_free(reader);
    /* A copy is unshared: it may change. */
    OK(partcert_blocklist_apply_snapshot(copy, w.trust, bdata(w.s2), blen(w.s2), NOW, NULL, E));
    partcert_blocklist_free(copy);
    partcert_trust_store_free(trust);
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
        if (partcert_part_evidence_new(bdata(j->part), blen(j->part), &evidence, NULL) != 0 ||
            partcert_verify_part(w.trust, j->blocklist, NULL, 0, evidence, NOW, &verdict,
                                 NULL) != 0 ||
            partcert_verdict_summary(verdict).len == 0 ||
            (int)partcert_verdict_is_blocked(verdict) != j->expect_blocked) {
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

/* Copy and publish: an update applied to a copy leaves the original as it
 * was; a holder publishes without copying again. */
static void copies_are_independent(void) {
    partcert_blocklist *current = partcert_blocklist_new(), *next = NULL, *loaded = NULL;
    partcert_blocklist_holder *holder = NULL;
    partcert_trust_store *trust = partcert_trust_store_clone(w.trust);
    partcert_list_version version = {0, 0};
    const partcert_list_info *info;

    OK(partcert_blocklist_apply_snapshot(current, w.trust, bdata(w.s1), blen(w.s1), NOW,
                                         &version, E));
    OK(partcert_blocklist_holder_new(current, &holder, E));
    next = partcert_blocklist_clone(current);
    OK(partcert_blocklist_apply_delta(next, w.trust, bdata(w.delta12), blen(w.delta12), NOW,
                                      &version, E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 2);
    info = partcert_blocklist_list(current, 0);
    CHECK(info != NULL && info->version.sequence == 1 && info->entry_count == 0);
    info = partcert_blocklist_list(next, 0);
    CHECK(info != NULL && info->version.sequence == 2);
    OK(partcert_blocklist_holder_publish(holder, next, E));
    partcert_blocklist_free(next);
    partcert_blocklist_free(current);
    loaded = partcert_blocklist_holder_load(holder);
    info = partcert_blocklist_list(loaded, 0);
    CHECK(info != NULL && info->version.sequence == 2);
    partcert_blocklist_free(loaded);
    partcert_blocklist_holder_free(holder);

    CHECK(partcert_trust_store_manufacturer_root_count(trust) == 1);
    CHECK(partcert_trust_store_blocklist_root_count(trust) == 1);
    CHECK(partcert_trust_store_chain_certificate_count(trust) == 1);
    partcert_trust_store_free(trust);
}

/* The trust store holder: readers keep their snapshot while an updater
 * publishes a store with a new revocation list. */
static void a_trust_store_holder_publishes_updates(void) {
    partcert_trust_store_holder *holder = NULL;
    partcert_trust_store *before = NULL, *next = NULL, *after = NULL;
    partcert_bytes *revocation = NULL;
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    const uint64_t from_the_beginning = 0;

    OK(partcert_trust_store_holder_new(w.trust, &holder, E));
    before = partcert_trust_store_holder_load(holder);
    CHECK(before == w.trust);
    next = partcert_trust_store_clone(before);
    OK(partcert_authority_revoke(w.root, 1, T0 + DAY, partcert_authority_key_id(w.line),
                                 &from_the_beginning, 1, &revocation, E));
    OK(partcert_trust_store_apply_revocation_list(next, bdata(revocation), blen(revocation),
                                                  NULL, E));
    OK(partcert_trust_store_holder_publish(holder, next, E));
    partcert_trust_store_free(next);
    after = partcert_trust_store_holder_load(holder);
    /* The reader's old snapshot still trusts the line; the new store not. */
    OK(partcert_verify_part(before, NULL, NULL, 0, evidence, NOW, &verdict, E));
    partcert_verdict_free(verdict);
    verdict = NULL;
    CHECK_RC(partcert_verify_part(after, NULL, NULL, 0, evidence, NOW, &verdict, E),
             PARTCERT_RESULT_ISSUER_REVOKED);
    partcert_trust_store_free(before);
    partcert_trust_store_free(after);
    partcert_trust_store_holder_free(holder);
    partcert_bytes_free(revocation);
    partcert_part_evidence_free(evidence);
}

/* An object made on one thread may be freed on another. */
static void *free_elsewhere(void *arg) {
    partcert_verdict_free(arg);
    return NULL;
}

static void objects_move_between_threads(void) {
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = verify(&w, NULL, evidence, NOW);
    pthread_t thread;
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
    RUN(shared_objects_are_reference_counted);
    RUN(threads_share_read_only_objects);
    RUN(copies_are_independent);
    RUN(a_trust_store_holder_publishes_updates);
    RUN(objects_move_between_threads);
    world_free(&w);
    return h_finish("test_ownership");
}

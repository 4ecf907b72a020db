/* A phone checks its own parts against a national list it never holds:
 * the register cuts its list into shards under one signed root
 * (partcert_shard_set_build, partcert_head_with_shards), and a device
 * fetches only the shards the keys of its verdict lie in
 * (partcert_shard_check_*), each proven against the root before it counts.
 *
 * The stories: Alice's harvested screen reads BLOCKED on a device that
 * never held the list, with the whole list's reason and date; Bob's donor
 * screen reads clean; a verdict whose key was never fetched is refused
 * (408), never clean; the boot self-check of a handset with Alice's
 * screen fitted, through a holder; a shard altered, cut short, of another
 * slice or of another list is refused and the device's blocklist is
 * unchanged; a head without shards; shards of a list older than the one
 * the device accepted (rollback); the register's own refusals; NULLs for
 * every call. */
#include "world.h"

static world w;

#define HOUR 3600ULL
/* The register's head over s2, signed an hour after s2, fresh for two
 * days (NOW is a day after s2). */
#define HEAD_AT (S2_AT + HOUR)
#define HEAD_UNTIL (S2_AT + 2 * DAY)
/* How finely the test register cuts its list: 256 shards. */
#define BITS 8
#define MAX_SHARDS 256

typedef struct served_shard {
    char path[PARTCERT_MAX_PATH_LEN + 1];
    partcert_bytes *data;
} served_shard;

/* A register's repository with shards: its plain head over s2, the head
 * re-signed naming the shards, and every shard file at its path. */
typedef struct sharded_repo {
    partcert_head *plain, *head;
    served_shard shards[MAX_SHARDS];
    uint32_t count;
} sharded_repo;

static uint32_t g_fetched; /* shards the last check fetched */

/* The register publishes s2 and its shards, cut `bits` finely, from its
 * own replay of what it published. */
static void publish(sharded_repo *r, uint32_t bits) {
    partcert_blocklist *replay = blocklist_at_s2(&w);
    partcert_shard_set *set = NULL;
    partcert_slice added = {bdata(w.s2), blen(w.s2)};
    memset(r, 0, sizeof *r);
    OK(partcert_head_next(w.publisher, NULL, &added, 1, 30 * DAY, HEAD_AT, HEAD_UNTIL, &r->plain,
                          E));
    OK(partcert_shard_set_build(replay, partcert_authority_key_id(w.register_root), bits, &set,
                                E));
    r->count = partcert_shard_set_count(set);
    CHECK(r->count <= MAX_SHARDS);
    for (uint32_t i = 0; i < r->count && i < MAX_SHARDS; i++)
        OK(partcert_shard_set_file(set, i, r->shards[i].path, &r->shards[i].data, E));
    OK(partcert_head_with_shards(w.publisher, r->plain, set, &r->head, E));
    partcert_shard_set_free(set);
    partcert_blocklist_free(replay);
}

static void repo_free(sharded_repo *r) {
    partcert_head_free(r->plain);
    partcert_head_free(r->head);
    for (uint32_t i = 0; i < r->count && i < MAX_SHARDS; i++) partcert_bytes_free(r->shards[i].data);
    memset(r, 0, sizeof *r);
}

static const served_shard *shard_at(const sharded_repo *r, const char *path) {
    for (uint32_t i = 0; i < r->count; i++)
        if (strcmp(r->shards[i].path, path) == 0) return &r->shards[i];
    return NULL;
}

/* Fetches every shard `check` names from `r` and offers it. */
static partcert_result fetch_all(const sharded_repo *r, partcert_shard_check *check,
                                 partcert_error **error) {
    const partcert_shard_fetch *fetch;
    partcert_result rc = PARTCERT_RESULT_OK;
    g_fetched = 0;
    while (rc == 0 && (fetch = partcert_shard_check_next_fetch(check)) != NULL) {
        const served_shard *served = shard_at(r, fetch->path.data);
        CHECK(served != NULL && partcert_bytes_len(served->data) <= fetch->max_size);
        if (served == NULL) return PARTCERT_RESULT_INVALID_ARGUMENT;
        CHECK(strlen(fetch->path.data) == fetch->path.len);
        rc = partcert_shard_check_offer(check, bdata(served->data), blen(served->data), error);
        g_fetched++;
    }
    return rc;
}

/* A device that never held the list checks `part` against the shards:
 * the blocklist its check leads to. */
static partcert_blocklist *checked_for(const sharded_repo *r, const partcert_blocklist *device,
                                       const partcert_bytes *part) {
    partcert_part_evidence *evidence = evidence_for(&w, part);
    partcert_shard_check *check = NULL;
    partcert_blocklist *checked = NULL;
    partcert_slice head = partcert_head_bytes(r->head);
    OK(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 0, evidence,
                                       NOW, &check, E));
    OK(fetch_all(r, check, E));
    OK(partcert_shard_check_finish(check, &checked, E));
    partcert_shard_check_free(check);
    partcert_part_evidence_free(evidence);
    return checked;
}

static partcert_verdict *verdict_of(const partcert_blocklist *blocklist,
                                    const partcert_bytes *part) {
    partcert_part_evidence *evidence = evidence_for(&w, part);
    partcert_verdict *verdict = verify(&w, blocklist, evidence, NOW);
    partcert_part_evidence_free(evidence);
    return verdict;
}

static void alices_harvested_screen_reads_blocked_on_a_device_that_never_held_the_list(void) {
    sharded_repo r;
    partcert_blocklist *device = partcert_blocklist_new(), *checked, *whole = blocklist_at_s2(&w);
    partcert_verdict *verdict, *reference;
    publish(&r, BITS);
    CHECK(r.count == 1u << BITS);
    CHECK(partcert_head_details(r.head)->shard_count == r.count);
    CHECK(partcert_head_details(r.plain)->shard_count == 0);
    checked = checked_for(&r, device, w.screen_a);
    CHECK(g_fetched == 1); /* one shard: the screen's own slice */
    verdict = verdict_of(checked, w.screen_a);
    reference = verdict_of(whole, w.screen_a);
    CHECK(partcert_verdict_is_blocked(verdict));
    /* Exactly what the whole list says: the reason, the status, the date. */
    CHECK_STR(partcert_verdict_headline(verdict).data, partcert_verdict_headline(reference).data);
    CHECK_STR(partcert_verdict_summary(verdict).data, partcert_verdict_summary(reference).data);
    {
        const partcert_listing *got = partcert_blocklist_status_listing(partcert_verdict_blocklist(verdict), 0);
        const partcert_listing *want = partcert_blocklist_status_listing(partcert_verdict_blocklist(reference), 0);
        CHECK(got != NULL && want != NULL);
        if (got != NULL && want != NULL) {
            CHECK(got->reason == PARTCERT_REASON_STOLEN && got->reason == want->reason);
            CHECK(got->listed_at == STOLEN_AT && got->listed_at == want->listed_at);
            CHECK(got->status == want->status);
        }
    }
    /* The device's own blocklist never changed. */
    CHECK(partcert_blocklist_list_count(device) == 0);
    CHECK(partcert_blocklist_list_count(checked) == 1);
    partcert_verdict_free(verdict);
    partcert_verdict_free(reference);
    partcert_blocklist_free(checked);
    partcert_blocklist_free(whole);
    partcert_blocklist_free(device);
    repo_free(&r);
}

static void bobs_donor_screen_reads_clean_and_a_key_never_fetched_is_refused(void) {
    sharded_repo r;
    partcert_blocklist *device = partcert_blocklist_new(), *checked;
    partcert_verdict *verdict, *never = NULL;
    partcert_part_evidence *alice = evidence_for(&w, w.screen_a);
    publish(&r, BITS);
    checked = checked_for(&r, device, w.screen_d);
    verdict = verdict_of(checked, w.screen_d);
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_CLEAN);
    CHECK(!partcert_verdict_is_blocked(verdict));
    /* Bob's check fetched Bob's slice only: Alice's screen, in another
     * slice, is never read as clean from it. */
    CHECK_FAIL(partcert_verify_part(w.trust, checked, NULL, 0, alice, NOW, &never, E),
               PARTCERT_RESULT_SHARD_NOT_HELD, "shard");
    CHECK(never == NULL);
    CHECK(PARTCERT_RESULT_SHARD_NOT_HELD == 408);
    CHECK_PSTR(partcert_result_name(PARTCERT_RESULT_SHARD_NOT_HELD), "ShardNotHeld");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(alice);
    partcert_blocklist_free(checked);
    partcert_blocklist_free(device);
    repo_free(&r);
}

/* Bob's handset with Alice's harvested screen fitted. */
static partcert_handset_evidence *bob_with_alices_screen(void) {
    partcert_handset_evidence *handset = NULL;
    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset, E));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_D, E));
    OK(partcert_handset_evidence_add_part_certificate(handset, bdata(w.board_d), blen(w.board_d),
                                                      E));
    OK(partcert_handset_evidence_add_part_certificate(handset, bdata(w.screen_a),
                                                      blen(w.screen_a), E));
    return handset;
}

static void a_boot_self_check_through_a_holder_finds_the_harvested_screen(void) {
    sharded_repo r;
    partcert_blocklist *device = partcert_blocklist_new(), *current, *other = partcert_blocklist_new();
    partcert_blocklist_holder *holder = NULL;
    partcert_handset_evidence *handset = bob_with_alices_screen();
    partcert_shard_check *check = NULL;
    partcert_handset_report *report = NULL;
    partcert_slice head;
    publish(&r, BITS);
    head = partcert_head_bytes(r.head);
    OK(partcert_blocklist_holder_new(device, &holder, E));
    OK(partcert_blocklist_holder_begin_shard_check_handset(holder, w.trust, head.data, head.len,
                                                           handset, NOW, &check, E));
    /* The IMEI, the board and the screen: at most three slices. */
    CHECK(partcert_shard_check_remaining(check) >= 1 && partcert_shard_check_remaining(check) <= 3);
    CHECK(partcert_head_details(partcert_shard_check_head(check))->shard_count == 1u << BITS);
    OK(fetch_all(&r, check, E));
    CHECK(partcert_shard_check_remaining(check) == 0);
    OK(partcert_blocklist_holder_finish_shard_check(holder, check, E));
    partcert_shard_check_free(check);
    current = partcert_blocklist_holder_load(holder);
    OK(partcert_verify_handset(w.trust, current, handset, NOW, &report, E));
    CHECK(partcert_handset_report_is_blocked(report));
    CHECK(!partcert_handset_report_all_original_and_clean(report));
    CHECK(partcert_handset_report_part_count(report) == 2);
    {
        const partcert_fitted_part *board = partcert_handset_report_part(report, 0);
        const partcert_fitted_part *screen = partcert_handset_report_part(report, 1);
        CHECK(board != NULL && board->verdict != NULL && !partcert_verdict_is_blocked(board->verdict));
        CHECK(screen != NULL && screen->verdict != NULL && partcert_verdict_is_blocked(screen->verdict));
        CHECK(screen != NULL && !screen->listed_in_record);
    }
    partcert_handset_report_free(report);
    partcert_blocklist_free(current);

    /* A check begun from a blocklist the holder no longer holds publishes
     * nothing (503). */
    check = NULL;
    {
        partcert_part_evidence *bob = evidence_for(&w, w.screen_d);
        uint64_t host[] = {IMEI_D};
        OK(partcert_blocklist_holder_begin_shard_check_part(holder, w.trust, head.data, head.len,
                                                            host, 1, bob, NOW, &check, E));
        OK(fetch_all(&r, check, E));
        OK(partcert_blocklist_holder_publish(holder, other, E));
        CHECK_FAIL(partcert_blocklist_holder_finish_shard_check(holder, check, E),
                   PARTCERT_RESULT_INVALID_ARGUMENT, "changed since this shard check began");
        CHECK_FAIL(partcert_shard_check_finish(check, &current, E),
                   PARTCERT_RESULT_INVALID_ARGUMENT, "this shard check failed or finished");
        current = partcert_blocklist_holder_load(holder);
        CHECK(partcert_blocklist_list_count(current) == 0);
        partcert_blocklist_free(current);
        partcert_shard_check_free(check);
        partcert_part_evidence_free(bob);
    }
    partcert_handset_evidence_free(handset);
    partcert_blocklist_holder_free(holder);
    partcert_blocklist_free(other);
    partcert_blocklist_free(device);
    repo_free(&r);
}

/* Bob's phone boots with Alice's harvested screen and fetches its whole
 * plan at once (one round trip after the head, as the CLI does), then
 * offers each shard in the plan's order: the plan is what next_fetch
 * yields in turn, and the screen reads blocked. */
static void a_boot_self_check_fetches_its_whole_plan_at_once(void) {
    sharded_repo r;
    partcert_blocklist *device = partcert_blocklist_new(), *checked = NULL;
    partcert_handset_evidence *handset = bob_with_alices_screen();
    partcert_shard_check *check = NULL;
    partcert_handset_report *report = NULL;
    const served_shard *fetched[3];
    uint32_t planned[3];
    size_t n, i;
    partcert_slice head;
    publish(&r, BITS);
    head = partcert_head_bytes(r.head);
    OK(partcert_shard_check_begin_handset(device, w.trust, head.data, head.len, handset, NOW,
                                          &check, E));
    /* The IMEI, the board and the screen lie in three different slices. */
    n = partcert_shard_check_remaining(check);
    CHECK(n == 3);
    if (n != 3) n = 0;
    CHECK(partcert_shard_check_fetch_at(check, 0) == partcert_shard_check_next_fetch(check));
    CHECK(partcert_shard_check_fetch_at(check, 3) == NULL);
    CHECK(partcert_shard_check_fetch_at(check, SIZE_MAX) == NULL);
    /* Every shard fetched before any is offered. */
    for (i = 0; i < n; i++) {
        const partcert_shard_fetch *fetch = partcert_shard_check_fetch_at(check, i);
        CHECK(fetch != NULL);
        if (fetch == NULL) continue;
        CHECK(i == 0 || fetch->index > planned[i - 1]);
        planned[i] = fetch->index;
        fetched[i] = shard_at(&r, fetch->path.data);
        CHECK(fetched[i] != NULL && partcert_bytes_len(fetched[i]->data) <= fetch->max_size);
    }
    /* Then each offered in the plan's order: what is left of the plan
     * moves up by one each time, and next_fetch names its first. */
    for (i = 0; i < n; i++) {
        const partcert_shard_fetch *next = partcert_shard_check_next_fetch(check);
        CHECK(next != NULL && next->index == planned[i]);
        CHECK(next != NULL && strcmp(next->path.data, fetched[i]->path) == 0);
        CHECK(partcert_shard_check_fetch_at(check, 0) == next);
        if (i + 1 < n) {
            const partcert_shard_fetch *after = partcert_shard_check_fetch_at(check, 1);
            CHECK(after != NULL && after->index == planned[i + 1]);
        }
        CHECK(partcert_shard_check_fetch_at(check, n - i) == NULL);
        OK(partcert_shard_check_offer(check, bdata(fetched[i]->data), blen(fetched[i]->data), E));
    }
    CHECK(partcert_shard_check_fetch_at(check, 0) == NULL);
    CHECK(partcert_shard_check_next_fetch(check) == NULL);
    OK(partcert_shard_check_finish(check, &checked, E));
    /* Finished: the plan is gone. */
    CHECK(partcert_shard_check_fetch_at(check, 0) == NULL);
    partcert_shard_check_free(check);
    OK(partcert_verify_handset(w.trust, checked, handset, NOW, &report, E));
    CHECK(partcert_handset_report_is_blocked(report));
    partcert_handset_report_free(report);
    partcert_blocklist_free(checked);
    partcert_handset_evidence_free(handset);
    partcert_blocklist_free(device);
    repo_free(&r);
}

/* Begins a check of Alice's screen and offers `data` for its shard:
 * the offer's result; the check is spent after a refusal. */
static void offer_refused(const sharded_repo *r, const uint8_t *data, size_t len,
                          partcert_result want, const char *needle) {
    partcert_blocklist *device = partcert_blocklist_new(), *never = NULL;
    partcert_part_evidence *alice = evidence_for(&w, w.screen_a);
    partcert_shard_check *check = NULL;
    partcert_slice head = partcert_head_bytes(r->head);
    OK(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 0, alice, NOW,
                                       &check, E));
    CHECK(partcert_shard_check_next_fetch(check) != NULL);
    CHECK_FAIL(partcert_shard_check_offer(check, data, len, E), want, needle);
    /* Spent: nothing more is taken, nothing is finished. */
    CHECK(partcert_shard_check_next_fetch(check) == NULL);
    CHECK(partcert_shard_check_fetch_at(check, 0) == NULL);
    CHECK(partcert_shard_check_remaining(check) == 0);
    CHECK_FAIL(partcert_shard_check_offer(check, data, len, E), PARTCERT_RESULT_INVALID_ARGUMENT,
               "failed or finished");
    CHECK_FAIL(partcert_shard_check_finish(check, &never, E), PARTCERT_RESULT_INVALID_ARGUMENT,
               "failed or finished");
    CHECK(never == NULL);
    /* The device's blocklist is unchanged: it still holds nothing. */
    CHECK(partcert_blocklist_list_count(device) == 0);
    partcert_shard_check_free(check);
    partcert_part_evidence_free(alice);
    partcert_blocklist_free(device);
}

static void a_tampered_shard_is_refused_and_the_device_unchanged(void) {
    sharded_repo r;
    const served_shard *alice, *other;
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_shard_check *check = NULL;
    partcert_blocklist *device = partcert_blocklist_new();
    partcert_slice head;
    uint8_t *copy;
    size_t len;
    publish(&r, BITS);
    head = partcert_head_bytes(r.head);
    OK(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 0, evidence,
                                       NOW, &check, E));
    alice = shard_at(&r, partcert_shard_check_next_fetch(check)->path.data);
    CHECK(alice != NULL && blen(alice->data) > 100);
    partcert_shard_check_free(check);
    if (alice == NULL) goto done;
    len = blen(alice->data);
    copy = malloc(len);
    memcpy(copy, bdata(alice->data), len);
    /* A byte of the proof altered: it no longer leads to the signed root. */
    copy[len - 1] ^= 0x01;
    offer_refused(&r, copy, len, PARTCERT_RESULT_FILE_MISMATCH, "proof");
    /* The listing's date altered in the body: the proof refuses it too
     * (or the body's own rules do, never silently). */
    memcpy(copy, bdata(alice->data), len);
    copy[len - 32 * BITS - 2] ^= 0x01;
    {
        partcert_blocklist *d2 = partcert_blocklist_new();
        partcert_shard_check *c2 = NULL;
        partcert_result rc;
        OK(partcert_shard_check_begin_part(d2, w.trust, head.data, head.len, NULL, 0, evidence, NOW,
                                           &c2, E));
        rc = partcert_shard_check_offer(c2, copy, len, NULL);
        CHECK(rc != PARTCERT_RESULT_OK && rc / 100 != 5);
        CHECK(partcert_blocklist_list_count(d2) == 0);
        partcert_shard_check_free(c2);
        partcert_blocklist_free(d2);
    }
    /* Cut short by a byte, and a body cut in the middle. */
    offer_refused(&r, bdata(alice->data), len - 1, PARTCERT_RESULT_TRUNCATED, NULL);
    offer_refused(&r, bdata(alice->data), 20, PARTCERT_RESULT_TRUNCATED, NULL);
    /* Not a shard at all. */
    offer_refused(&r, bdata(w.s2), 4, PARTCERT_RESULT_BAD_MAGIC, NULL);
    /* Another slice's shard, genuine, under this slice's name. */
    other = &r.shards[(uint32_t)(alice - r.shards) == 0 ? 1 : 0];
    offer_refused(&r, bdata(other->data), blen(other->data), PARTCERT_RESULT_FILE_MISMATCH,
                  "slice");
    free(copy);
    {
        /* A shard of another cut of the list (16 shards, not 256). */
        sharded_repo coarse;
        partcert_shard_check *c3 = NULL;
        publish(&coarse, 4);
        OK(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 0, evidence,
                                           NOW, &c3, E));
        {
            const served_shard *s = &coarse.shards[partcert_shard_check_next_fetch(c3)->index >> 4];
            CHECK_RC(partcert_shard_check_offer(c3, bdata(s->data), blen(s->data), E),
                     PARTCERT_RESULT_FILE_MISMATCH);
        }
        partcert_shard_check_free(c3);
        repo_free(&coarse);
    }
    CHECK(partcert_blocklist_list_count(device) == 0);
done:
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(device);
    repo_free(&r);
}

static void a_head_without_shards_and_a_forged_or_untrusted_head_are_refused(void) {
    sharded_repo r;
    partcert_blocklist *device = partcert_blocklist_new(), *never = NULL;
    partcert_part_evidence *alice = evidence_for(&w, w.screen_a);
    partcert_shard_check *check = NULL;
    partcert_slice plain, head;
    uint8_t *forged;
    publish(&r, BITS);
    plain = partcert_head_bytes(r.plain);
    head = partcert_head_bytes(r.head);
    CHECK_FAIL(partcert_shard_check_begin_part(device, w.trust, plain.data, plain.len, NULL, 0,
                                               alice, NOW, &check, E),
               PARTCERT_RESULT_INVALID_FIELD, "no shards");
    CHECK(check == NULL);
    /* A head cut short, or with its signature altered. */
    CHECK_RC(partcert_shard_check_begin_part(device, w.trust, head.data, head.len - 1, NULL, 0,
                                             alice, NOW, &check, E),
             PARTCERT_RESULT_TRUNCATED);
    forged = malloc(head.len);
    memcpy(forged, head.data, head.len);
    forged[head.len - 1] ^= 0x01;
    CHECK_RC(partcert_shard_check_begin_part(device, w.trust, forged, head.len, NULL, 0, alice,
                                             NOW, &check, E),
             PARTCERT_RESULT_BAD_SIGNATURE);
    free(forged);
    /* A device that trusts no register. */
    {
        partcert_trust_store *bare = partcert_trust_store_new();
        CHECK_RC(partcert_shard_check_begin_part(device, bare, head.data, head.len, NULL, 0, alice,
                                                 NOW, &check, E),
                 PARTCERT_RESULT_UNKNOWN_ISSUER);
        partcert_trust_store_free(bare);
    }
    /* A shard check that is not finished: every shard must be offered. */
    OK(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 0, alice, NOW,
                                       &check, E));
    CHECK_FAIL(partcert_shard_check_finish(check, &never, E), PARTCERT_RESULT_FILE_MISMATCH,
               "not offered");
    partcert_shard_check_free(check);
    check = NULL;
    /* A host IMEI that is no IMEI. */
    {
        uint64_t bad[] = {123};
        CHECK_RC(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, bad, 1,
                                                 alice, NOW, &check, E),
                 PARTCERT_RESULT_INVALID_IMEI);
    }
    CHECK(check == NULL && never == NULL);
    CHECK(partcert_blocklist_list_count(device) == 0);
    partcert_part_evidence_free(alice);
    partcert_blocklist_free(device);
    repo_free(&r);
}

static void shards_of_a_list_older_than_the_device_accepted_are_refused(void) {
    /* The device holds s2 (sequence 2); a mirror serves s1's shards under
     * a head signed for s1 (sequence 1). */
    partcert_blocklist *device = blocklist_at_s2(&w), *s1 = partcert_blocklist_new();
    partcert_part_evidence *alice = evidence_for(&w, w.screen_a);
    partcert_shard_set *set = NULL;
    partcert_head *plain = NULL, *old = NULL;
    partcert_shard_check *check = NULL;
    partcert_slice added = {bdata(w.s1), blen(w.s1)}, head;
    OK(partcert_blocklist_apply(s1, w.trust, bdata(w.s1), blen(w.s1), S1_AT, NULL, E));
    OK(partcert_shard_set_build(s1, partcert_authority_key_id(w.register_root), BITS, &set, E));
    OK(partcert_head_next(w.publisher, NULL, &added, 1, 30 * DAY, S1_AT + HOUR, HEAD_UNTIL, &plain,
                          E));
    OK(partcert_head_with_shards(w.publisher, plain, set, &old, E));
    head = partcert_head_bytes(old);
    CHECK_FAIL(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 0, alice,
                                               NOW, &check, E),
               PARTCERT_RESULT_ROLLBACK, "rollback");
    CHECK(check == NULL);
    /* The device still holds s2, and Alice's screen still reads blocked. */
    CHECK(partcert_blocklist_list(device, 0)->version.sequence == 2);
    {
        partcert_verdict *verdict = verdict_of(device, w.screen_a);
        CHECK(partcert_verdict_is_blocked(verdict));
        partcert_verdict_free(verdict);
    }
    partcert_head_free(plain);
    partcert_head_free(old);
    partcert_shard_set_free(set);
    partcert_part_evidence_free(alice);
    partcert_blocklist_free(s1);
    partcert_blocklist_free(device);
}

static void the_register_refuses_to_cut_what_it_does_not_hold_or_sign_another_list(void) {
    partcert_blocklist *empty = partcert_blocklist_new(), *s1 = partcert_blocklist_new();
    partcert_blocklist *s2 = blocklist_at_s2(&w);
    const uint8_t *register_id = partcert_authority_key_id(w.register_root);
    partcert_shard_set *set = NULL, *old = NULL;
    partcert_head *head = NULL, *never = NULL;
    partcert_slice added = {bdata(w.s2), blen(w.s2)};
    char path[PARTCERT_MAX_PATH_LEN + 1];
    partcert_bytes *data = NULL;
    CHECK_FAIL(partcert_shard_set_build(empty, register_id, PARTCERT_SHARD_BITS_AUTO, &set, E),
               PARTCERT_RESULT_INVALID_ARGUMENT, "no list");
    CHECK_FAIL(partcert_shard_set_build(s2, register_id, PARTCERT_MAX_SHARD_BITS + 1, &set, E),
               PARTCERT_RESULT_INVALID_FIELD, "2^20");
    /* Its size chooses: four keys, one shard. */
    OK(partcert_shard_set_build(s2, register_id, PARTCERT_SHARD_BITS_AUTO, &set, E));
    CHECK(partcert_shard_set_bits(set) == 0 && partcert_shard_set_count(set) == 1);
    OK(partcert_shard_set_file(set, 0, path, &data, E));
    CHECK(strncmp(path, "shards/", 7) == 0 && strstr(path, "/00000.pcsh") != NULL);
    CHECK(strlen(path) == 7 + 64 + 1 + 5 + 5);
    CHECK(blen(data) > 9 && memcmp(bdata(data), "PCSH", 4) == 0);
    partcert_bytes_free(data);
    data = NULL;
    CHECK_FAIL(partcert_shard_set_file(set, 1, path, &data, E), PARTCERT_RESULT_INVALID_ARGUMENT,
               "past the last");
    CHECK(data == NULL);
    /* Shards of s1 under a head over s2: another list. */
    OK(partcert_blocklist_apply(s1, w.trust, bdata(w.s1), blen(w.s1), S1_AT, NULL, E));
    OK(partcert_shard_set_build(s1, register_id, 2, &old, E));
    OK(partcert_head_next(w.publisher, NULL, &added, 1, 30 * DAY, HEAD_AT, HEAD_UNTIL, &head, E));
    CHECK_FAIL(partcert_head_with_shards(w.publisher, head, old, &never, E),
               PARTCERT_RESULT_INVALID_FIELD, "another list");
    /* Signed by the maker's root, or by another register's. */
    CHECK_RC(partcert_head_with_shards(w.root, head, set, &never, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    {
        uint8_t seed[PARTCERT_SEED_LEN];
        partcert_authority *other = NULL;
        seed_of(seed, 9);
        OK(partcert_authority_new_blocklist_root(seed, "Other Register", 14, T0, YEARS(30), &other,
                                                 E));
        CHECK_RC(partcert_head_with_shards(other, head, set, &never, E),
                 PARTCERT_RESULT_WRONG_AUTHORITY);
        partcert_authority_free(other);
    }
    CHECK(never == NULL);
    partcert_head_free(head);
    partcert_shard_set_free(old);
    partcert_shard_set_free(set);
    partcert_blocklist_free(s1);
    partcert_blocklist_free(s2);
    partcert_blocklist_free(empty);
}

static void null_arguments_name_the_argument(void) {
    sharded_repo r;
    partcert_blocklist *device = partcert_blocklist_new(), *out = NULL;
    partcert_blocklist_holder *holder = NULL;
    partcert_part_evidence *alice = evidence_for(&w, w.screen_a);
    partcert_handset_evidence *handset = bob_with_alices_screen();
    partcert_shard_check *check = NULL;
    partcert_shard_set *set = NULL;
    partcert_head *head_out = NULL;
    partcert_bytes *data = NULL;
    char path[PARTCERT_MAX_PATH_LEN + 1];
    const uint8_t *register_id = partcert_authority_key_id(w.register_root);
    partcert_slice head;
    publish(&r, BITS);
    head = partcert_head_bytes(r.head);
    OK(partcert_blocklist_holder_new(device, &holder, E));

    CHECK_NULL(partcert_shard_check_begin_part(NULL, w.trust, head.data, head.len, NULL, 0, alice,
                                               NOW, &check, E), "blocklist");
    CHECK_NULL(partcert_shard_check_begin_part(device, NULL, head.data, head.len, NULL, 0, alice,
                                               NOW, &check, E), "trust");
    CHECK_NULL(partcert_shard_check_begin_part(device, w.trust, NULL, head.len, NULL, 0, alice,
                                               NOW, &check, E), "head");
    CHECK_NULL(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 1,
                                               alice, NOW, &check, E), "host_imeis");
    CHECK_NULL(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 0, NULL,
                                               NOW, &check, E), "evidence");
    CHECK_NULL(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 0,
                                               alice, NOW, NULL, E), "check_out");
    CHECK_NULL(partcert_shard_check_begin_handset(NULL, w.trust, head.data, head.len, handset, NOW,
                                                  &check, E), "blocklist");
    CHECK_NULL(partcert_shard_check_begin_handset(device, w.trust, head.data, head.len, NULL, NOW,
                                                  &check, E), "evidence");
    CHECK_NULL(partcert_shard_check_begin_handset(device, w.trust, head.data, head.len, handset,
                                                  NOW, NULL, E), "check_out");
    CHECK_NULL(partcert_blocklist_holder_begin_shard_check_part(NULL, w.trust, head.data, head.len,
                                                                NULL, 0, alice, NOW, &check, E),
               "holder");
    CHECK_NULL(partcert_blocklist_holder_begin_shard_check_part(holder, w.trust, head.data,
                                                                head.len, NULL, 0, NULL, NOW,
                                                                &check, E),
               "evidence");
    CHECK_NULL(partcert_blocklist_holder_begin_shard_check_handset(NULL, w.trust, head.data,
                                                                   head.len, handset, NOW, &check,
                                                                   E),
               "holder");
    CHECK_NULL(partcert_blocklist_holder_begin_shard_check_handset(holder, NULL, head.data,
                                                                   head.len, handset, NOW, &check,
                                                                   E),
               "trust");
    CHECK(check == NULL);
    OK(partcert_shard_check_begin_part(device, w.trust, head.data, head.len, NULL, 0, alice, NOW,
                                       &check, E));
    /* NULLs spend nothing: the check goes on after them. */
    CHECK_NULL(partcert_shard_check_offer(NULL, head.data, head.len, E), "check");
    CHECK_NULL(partcert_shard_check_offer(check, NULL, 10, E), "data");
    CHECK_NULL(partcert_shard_check_finish(NULL, &out, E), "check");
    CHECK_NULL(partcert_shard_check_finish(check, NULL, E), "blocklist_out");
    CHECK_NULL(partcert_blocklist_holder_finish_shard_check(NULL, check, E), "holder");
    CHECK_NULL(partcert_blocklist_holder_finish_shard_check(holder, NULL, E), "check");
    CHECK(partcert_shard_check_next_fetch(check) != NULL);
    OK(fetch_all(&r, check, E));
    OK(partcert_shard_check_finish(check, &out, E));
    partcert_blocklist_free(out);
    partcert_shard_check_free(check);

    CHECK_NULL(partcert_shard_set_build(NULL, register_id, 2, &set, E), "blocklist");
    CHECK_NULL(partcert_shard_set_build(device, NULL, 2, &set, E), "authority_key_id");
    CHECK_NULL(partcert_shard_set_build(device, register_id, 2, NULL, E), "set_out");
    {
        partcert_blocklist *s2 = blocklist_at_s2(&w);
        OK(partcert_shard_set_build(s2, register_id, 2, &set, E));
        partcert_blocklist_free(s2);
    }
    CHECK_NULL(partcert_shard_set_file(NULL, 0, path, &data, E), "set");
    CHECK_NULL(partcert_shard_set_file(set, 0, NULL, &data, E), "path_out");
    CHECK_NULL(partcert_shard_set_file(set, 0, path, NULL, E), "data_out");
    CHECK_NULL(partcert_head_with_shards(NULL, r.plain, set, &head_out, E), "authority");
    CHECK_NULL(partcert_head_with_shards(w.publisher, NULL, set, &head_out, E), "head");
    CHECK_NULL(partcert_head_with_shards(w.publisher, r.plain, NULL, &head_out, E), "set");
    CHECK_NULL(partcert_head_with_shards(w.publisher, r.plain, set, NULL, E), "head_out");
    CHECK(data == NULL && head_out == NULL);

    /* Reads of NULL: nothing, never a crash; frees of NULL: no-ops. */
    CHECK(partcert_shard_check_next_fetch(NULL) == NULL);
    CHECK(partcert_shard_check_fetch_at(NULL, 0) == NULL);
    CHECK(partcert_shard_check_remaining(NULL) == 0);
    CHECK(partcert_shard_check_head(NULL) == NULL);
    CHECK(partcert_shard_set_count(NULL) == 0);
    CHECK(partcert_shard_set_bits(NULL) == 0);
    partcert_shard_check_free(NULL);
    partcert_shard_set_free(NULL);

    partcert_shard_set_free(set);
    partcert_blocklist_holder_free(holder);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(alice);
    partcert_blocklist_free(device);
    repo_free(&r);
}

int main(void) {
    world_build(&w);
    RUN(alices_harvested_screen_reads_blocked_on_a_device_that_never_held_the_list);
    RUN(bobs_donor_screen_reads_clean_and_a_key_never_fetched_is_refused);
    RUN(a_boot_self_check_through_a_holder_finds_the_harvested_screen);
    RUN(a_boot_self_check_fetches_its_whole_plan_at_once);
    RUN(a_tampered_shard_is_refused_and_the_device_unchanged);
    RUN(a_head_without_shards_and_a_forged_or_untrusted_head_are_refused);
    RUN(shards_of_a_list_older_than_the_device_accepted_are_refused);
    RUN(the_register_refuses_to_cut_what_it_does_not_hold_or_sign_another_list);
    RUN(null_arguments_name_the_argument);
    world_free(&w);
    return h_finish("test_shards");
}

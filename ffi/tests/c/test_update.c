/* Lists reach every device: a register written in C signs a repository
 * of static files under a small signed head (partcert_head_next), and a
 * device keeps its list current with the sans-I/O updater — it fetches
 * the head and each file the update names with its own HTTP stack and
 * offers the bytes; the core checks every byte before it counts.
 *
 * The stories: a device following a week of deltas, fetching only what it
 * lacks, and keeping it across a restart; a mirror replaying an older
 * head (rollback refused, state kept); a file swapped for another day's,
 * cut short, too long or altered (FILE_MISMATCH before decoding, state
 * kept); a file missing in the middle of a chain; a frozen mirror whose
 * head expires (the list reads NO_FRESH_HEAD, never clean); a holder that
 * publishes a finished update in O(1) and refuses one begun from a
 * blocklist it no longer holds; the register's own refusals (no snapshot,
 * another register's list, a mass delisting); NULLs and hostile bytes for
 * every call. */
#include "repository.h"

static world w;

/* Handsets listed in the repository's week, by day. */
static uint64_t imei_of(uint64_t body) {
    uint64_t imei = 0;
    OK(partcert_imei_with_check_digit(35000000000000ULL + body, &imei, E));
    return imei;
}

/* The week every story starts from: day 1 lists a handset nobody owns,
 * day 2 handset A (stolen), days 3 to 7 one more handset each, and day 6
 * delists handset A (found). */
static void publish_week(repository *r) {
    const uint64_t x[] = {IMEI_X}, a[] = {IMEI_A};
    repo_publish_day(r, &w, x, 1, NULL, 0);
    repo_publish_day(r, &w, a, 1, NULL, 0);
    while (r->days < 7) {
        uint64_t next = imei_of((uint64_t)r->days + 1);
        repo_publish_day(r, &w, &next, 1, r->days + 1 == 6 ? a : NULL, r->days + 1 == 6);
    }
}

/* A device synced with day `day`'s head, an hour after it was signed. */
static partcert_blocklist *device_at(const repository *r, int day) {
    partcert_blocklist *device = partcert_blocklist_new(), *synced = NULL;
    OK(sync_from(r, &w, device, r->heads[day], DAY_AT(day) + HOUR, &synced, NULL, E));
    partcert_blocklist_free(device);
    return synced;
}

/* Whether `part` verifies BLOCKED against `blocklist` at `now`. */
static partcert_blocklist_state state_of(const partcert_blocklist *blocklist,
                                         const partcert_bytes *part, uint64_t now) {
    partcert_part_evidence *evidence = evidence_for(&w, part);
    partcert_verdict *verdict = verify(&w, blocklist, evidence, now);
    partcert_blocklist_state state = partcert_blocklist_status_state(partcert_verdict_blocklist(verdict));
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    return state;
}

static void a_device_follows_a_week_of_deltas_fetching_only_what_it_lacks(void) {
    repository r = {0};
    partcert_blocklist *device = partcert_blocklist_new();
    const uint64_t a[] = {IMEI_A};
    uint64_t listed[4];
    fetched day[8] = {{0}};
    listed[1] = IMEI_X;
    listed[2] = IMEI_A;
    listed[3] = imei_of(3);
    /* Days 1 to 3, each synced an hour after the register signed it. */
    for (int d = 1; d <= 3; d++) {
        partcert_blocklist *synced = NULL;
        repo_publish_day(&r, &w, &listed[d], 1, NULL, 0);
        OK(sync_from(&r, &w, device, r.heads[d], DAY_AT(d) + HOUR, &synced, &day[d], E));
        CHECK(held_version(synced).sequence == (uint64_t)d);
        partcert_blocklist_free(device);
        device = synced;
    }
    CHECK(day[1].files == 1 && day[1].snapshots == 1);
    CHECK(day[2].files == 1 && day[2].deltas == 1 && day[3].files == 1 && day[3].deltas == 1);
    CHECK(state_of(device, w.board_a, DAY_AT(3) + HOUR) == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    /* Offline for four days; handset A is found on day 6. */
    while (r.days < 7) {
        uint64_t next = imei_of((uint64_t)r.days + 1);
        repo_publish_day(&r, &w, &next, 1, a, r.days + 1 == 6);
    }
    {
        partcert_blocklist *synced = NULL;
        OK(sync_from(&r, &w, device, r.heads[7], DAY_AT(7) + HOUR, &synced, &day[7], E));
        CHECK(day[7].files == 4 && day[7].deltas == 4);
        CHECK(held_version(synced).epoch == PUBLISHER_EPOCH && held_version(synced).sequence == 7);
        CHECK(same_id(partcert_blocklist_list(synced, 0)->state_digest,
                      partcert_head_details(r.heads[7])->state_digest));
        partcert_blocklist_free(device);
        device = synced;
    }
    CHECK(state_of(device, w.board_a, DAY_AT(7) + HOUR) == PARTCERT_BLOCKLIST_STATE_CLEAN);
    CHECK(state_of(device, w.board_d, DAY_AT(7) + HOUR) == PARTCERT_BLOCKLIST_STATE_CLEAN);
    /* A restart: the saved state keeps the list and the head's freshness. */
    {
        partcert_bytes *state = NULL;
        partcert_blocklist *restarted = NULL;
        partcert_lists_checked *lists = NULL;
        OK(partcert_blocklist_save_state(device, &state, E));
        OK(partcert_blocklist_new_from_saved_state(w.trust, bdata(state), blen(state), &restarted,
                                                   E));
        CHECK(held_version(restarted).sequence == 7);
        OK(partcert_blocklist_lists_checked(restarted, w.trust, DAY_AT(7) + HEAD_LIFE + 1, &lists,
                                            E));
        CHECK(partcert_lists_checked_count(lists) == 1);
        CHECK(partcert_lists_checked_get(lists, 0)->stale_reason ==
              PARTCERT_STALE_REASON_NO_FRESH_HEAD);
        partcert_lists_checked_free(lists);
        partcert_blocklist_free(restarted);
        partcert_bytes_free(state);
    }
    partcert_blocklist_free(device);
    repo_free(&r);
}

static void the_update_names_each_file_and_lends_the_verified_head(void) {
    repository r = {0};
    partcert_blocklist *device = NULL, *synced = NULL;
    partcert_blocklist_update *update = NULL;
    const partcert_head *head;
    const partcert_head_info *info;
    size_t offered = 0;
    publish_week(&r);
    device = device_at(&r, 4);
    OK(partcert_blocklist_update_begin(device, w.trust, head_bytes(r.heads[7]).data,
                                       head_bytes(r.heads[7]).len, DAY_AT(7) + HOUR, &update, E));
    head = partcert_blocklist_update_head(update);
    info = partcert_head_details(head);
    CHECK(info != NULL && info->version.epoch == PUBLISHER_EPOCH && info->version.sequence == 7);
    CHECK(info->issued_at == DAY_AT(7) && info->expires_at == DAY_AT(7) + HEAD_LIFE);
    CHECK(same_id(info->authority_key_id, partcert_authority_key_id(w.register_root)));
    CHECK(same_id(info->signer_key_id, partcert_authority_key_id(w.publisher)));
    CHECK_PSTR(info->signer_name, "UK register publisher");
    /* The head names the snapshot and every delta in the window. */
    CHECK(info->file_count == 7);
    CHECK(ends_with(partcert_head_file(head, 0)->path.data, ".pcbl"));
    CHECK(partcert_head_file(head, 7) == NULL);
    /* From day 4: the three deltas after it, each named exactly. */
    CHECK(partcert_blocklist_update_remaining(update) == 3);
    while (partcert_blocklist_update_next_fetch(update) != NULL) {
        const partcert_file_ref *file = partcert_blocklist_update_next_fetch(update);
        const repo_file *served = repo_file_at(&r, file->path.data);
        CHECK(served != NULL && file->size == served->len);
        CHECK(strncmp(file->path.data, "lists/", 6) == 0 && ends_with(file->path.data, ".pcbd"));
        CHECK(file->version.sequence == 5 + offered);
        CHECK(served != NULL && partcert_head_file_for(head, served->data, served->len) != NULL &&
              same_id(file->sha256,
                      partcert_head_file_for(head, served->data, served->len)->sha256));
        if (served == NULL) break;
        OK(partcert_blocklist_update_offer(update, w.trust, served->data, served->len, E));
        offered++;
        CHECK(partcert_blocklist_update_remaining(update) == 3 - offered);
        if (offered > 3) break;
    }
    CHECK(offered == 3);
    OK(partcert_blocklist_update_finish(update, &synced, E));
    CHECK(held_version(synced).sequence == 7);
    CHECK(held_version(device).sequence == 4); /* never changed */
    /* Spent: a finished update takes nothing more. */
    CHECK(partcert_blocklist_update_next_fetch(update) == NULL);
    CHECK(partcert_blocklist_update_remaining(update) == 0);
    CHECK_FAIL(partcert_blocklist_update_finish(update, &synced, E),
               PARTCERT_RESULT_INVALID_ARGUMENT, "failed or finished");
    CHECK(partcert_head_details(partcert_blocklist_update_head(update))->version.sequence == 7);
    partcert_blocklist_update_free(update);
    partcert_blocklist_free(synced);
    partcert_blocklist_free(device);
    repo_free(&r);
}

static void a_mirror_replaying_an_older_head_is_refused_and_the_state_kept(void) {
    repository r = {0};
    partcert_blocklist *device, *synced = NULL;
    partcert_blocklist_holder *holder = NULL;
    partcert_blocklist_update *update = NULL;
    uint64_t later = DAY_AT(3) + 2 * HOUR;
    publish_week(&r);
    device = device_at(&r, 3);
    for (int old = 1; old <= 2; old++) {
        synced = NULL;
        CHECK_FAIL(sync_from(&r, &w, device, r.heads[old], later, &synced, NULL, E),
                   PARTCERT_RESULT_ROLLBACK, "rollback refused");
        CHECK(synced == NULL);
    }
    CHECK(held_version(device).sequence == 3);
    CHECK(state_of(device, w.board_a, later) == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    /* Through a holder: nothing is published. */
    OK(partcert_blocklist_holder_new(device, &holder, E));
    CHECK_FAIL(partcert_blocklist_holder_begin_update(holder, w.trust, head_bytes(r.heads[1]).data,
                                                      head_bytes(r.heads[1]).len, later, &update,
                                                      E),
               PARTCERT_RESULT_ROLLBACK, "rollback refused");
    CHECK(update == NULL);
    {
        partcert_blocklist *current = partcert_blocklist_holder_load(holder);
        CHECK(current == device);
        partcert_blocklist_free(current);
    }
    /* The same head again is fine and fetches nothing. */
    OK(partcert_blocklist_holder_begin_update(holder, w.trust, head_bytes(r.heads[3]).data,
                                              head_bytes(r.heads[3]).len, later, &update, E));
    CHECK(partcert_blocklist_update_remaining(update) == 0);
    CHECK(partcert_blocklist_update_next_fetch(update) == NULL);
    OK(partcert_blocklist_holder_finish_update(holder, update, E));
    partcert_blocklist_update_free(update);
    partcert_blocklist_holder_free(holder);
    partcert_blocklist_free(device);
    repo_free(&r);
}

/* Begins the update from day 1 to day 3 (two deltas to fetch). */
static partcert_blocklist_update *update_from_day_1_to_3(const repository *r,
                                                         const partcert_blocklist *device) {
    partcert_blocklist_update *update = NULL;
    OK(partcert_blocklist_update_begin(device, w.trust, head_bytes(r->heads[3]).data,
                                       head_bytes(r->heads[3]).len, DAY_AT(3) + HOUR, &update, E));
    CHECK(partcert_blocklist_update_remaining(update) == 2);
    return update;
}

/* The device still holds day 1's list, as it did: handset A (listed on
 * day 2) reads clean while day 1's head is fresh, and — day 1's head
 * long expired, no fresher one accepted — stale on day 3, never clean. */
static void check_still_day_1(const partcert_blocklist *device) {
    CHECK(held_version(device).sequence == 1);
    CHECK(state_of(device, w.board_a, DAY_AT(1) + HOUR) == PARTCERT_BLOCKLIST_STATE_CLEAN);
    CHECK(state_of(device, w.board_a, DAY_AT(3) + HOUR) == PARTCERT_BLOCKLIST_STATE_STALE);
}

static void a_file_of_another_day_is_refused_before_decoding_and_the_state_kept(void) {
    repository r = {0};
    partcert_blocklist *device, *synced = NULL;
    partcert_blocklist_update *update;
    char wanted[PARTCERT_MAX_PATH_LEN + 1];
    const repo_file *day_3;
    publish_week(&r);
    device = device_at(&r, 1);
    update = update_from_day_1_to_3(&r, device);
    /* The mirror serves day 3's delta under the name of day 2's. */
    snprintf(wanted, sizeof wanted, "%s", partcert_blocklist_update_next_fetch(update)->path.data);
    day_3 = repo_file_at(&r, partcert_head_file(r.heads[3], 2)->path.data);
    CHECK(day_3 != NULL && strcmp(day_3->path, wanted) != 0);
    CHECK_FAIL(partcert_blocklist_update_offer(update, w.trust, day_3->data, day_3->len, E),
               PARTCERT_RESULT_FILE_MISMATCH, wanted);
    /* The update is spent; the device never saw a byte of it. */
    CHECK(partcert_blocklist_update_next_fetch(update) == NULL);
    CHECK_FAIL(partcert_blocklist_update_offer(update, w.trust, day_3->data, day_3->len, E),
               PARTCERT_RESULT_INVALID_ARGUMENT, "failed or finished");
    CHECK_FAIL(partcert_blocklist_update_finish(update, &synced, E),
               PARTCERT_RESULT_INVALID_ARGUMENT, "failed or finished");
    CHECK(synced == NULL);
    check_still_day_1(device);
    partcert_blocklist_update_free(update);
    partcert_blocklist_free(device);
    repo_free(&r);
}

static void a_file_cut_short_too_long_or_altered_is_refused_and_the_state_kept(void) {
    repository r = {0};
    partcert_blocklist *device;
    static uint8_t bytes[1 << 16];
    publish_week(&r);
    device = device_at(&r, 1);
    /* Cut short by a byte, one byte too many, one byte altered. */
    for (int change = 0; change < 3; change++) {
        partcert_blocklist_update *update = update_from_day_1_to_3(&r, device);
        const partcert_file_ref *file = partcert_blocklist_update_next_fetch(update);
        const repo_file *served = repo_file_at(&r, file->path.data);
        size_t len = served->len + (change == 1) - (change == 0);
        CHECK(served->len < sizeof bytes);
        memcpy(bytes, served->data, served->len);
        bytes[served->len] = 0;
        if (change == 2) bytes[served->len / 2] ^= 1;
        CHECK_FAIL(partcert_blocklist_update_offer(update, w.trust, bytes, len, E),
                   PARTCERT_RESULT_FILE_MISMATCH, change == 2 ? "SHA-256" : "size");
        partcert_blocklist_update_free(update);
    }
    check_still_day_1(device);
    partcert_blocklist_free(device);
    repo_free(&r);
}

static void a_file_missing_in_the_middle_of_a_chain_leaves_the_state_in_force(void) {
    repository r = {0};
    partcert_blocklist *device, *synced = NULL;
    partcert_blocklist_update *update;
    const repo_file *day_2;
    publish_week(&r);
    device = device_at(&r, 1);
    update = update_from_day_1_to_3(&r, device);
    day_2 = repo_file_at(&r, partcert_blocklist_update_next_fetch(update)->path.data);
    OK(partcert_blocklist_update_offer(update, w.trust, day_2->data, day_2->len, E));
    CHECK(partcert_blocklist_update_remaining(update) == 1);
    /* Day 3's delta never arrives. */
    CHECK_FAIL(partcert_blocklist_update_finish(update, &synced, E),
               PARTCERT_RESULT_FILE_MISMATCH, "not offered");
    CHECK(synced == NULL);
    check_still_day_1(device);
    partcert_blocklist_update_free(update);
    partcert_blocklist_free(device);
    repo_free(&r);
}

/* The one list's standing at `now`. */
static partcert_stale_reason stale_reason_at(const partcert_blocklist *device, uint64_t now,
                                             uint64_t *since) {
    partcert_lists_checked *lists = NULL;
    partcert_stale_reason reason = PARTCERT_STALE_REASON_NONE;
    OK(partcert_blocklist_lists_checked(device, w.trust, now, &lists, E));
    CHECK(partcert_lists_checked_count(lists) == 1);
    if (partcert_lists_checked_get(lists, 0) != NULL) {
        const partcert_list_checked *list = partcert_lists_checked_get(lists, 0);
        CHECK(list->stale == (list->stale_reason != PARTCERT_STALE_REASON_NONE));
        reason = list->stale_reason;
        *since = list->no_fresh_head_since;
    }
    CHECK(partcert_lists_checked_get(lists, 1) == NULL);
    partcert_lists_checked_free(lists);
    return reason;
}

static void a_frozen_mirror_reads_no_fresh_head_once_its_head_expires_never_clean(void) {
    repository r = {0};
    partcert_blocklist *device, *again = NULL;
    uint64_t since = 1, expired = DAY_AT(7) + HEAD_LIFE + 1;
    publish_week(&r);
    device = device_at(&r, 7);
    CHECK(stale_reason_at(device, DAY_AT(7) + 2 * HOUR, &since) == PARTCERT_STALE_REASON_NONE);
    CHECK(since == 0);
    CHECK(state_of(device, w.board_d, DAY_AT(7) + 2 * HOUR) == PARTCERT_BLOCKLIST_STATE_CLEAN);
    /* The head expires with no fresher one: stale, naming since when —
     * while the list itself is good for weeks yet. */
    CHECK(stale_reason_at(device, expired, &since) == PARTCERT_STALE_REASON_NO_FRESH_HEAD);
    CHECK(since == DAY_AT(7));
    CHECK(partcert_blocklist_list(device, 0)->expires_at > expired + 20 * DAY);
    {
        partcert_part_evidence *evidence = evidence_for(&w, w.board_d);
        partcert_verdict *verdict = verify(&w, device, evidence, expired);
        const partcert_blocklist_status *status = partcert_verdict_blocklist(verdict);
        CHECK(partcert_blocklist_status_state(status) == PARTCERT_BLOCKLIST_STATE_STALE);
        CHECK(partcert_verdict_is_stale(verdict));
        CHECK(partcert_blocklist_status_list(status, 0)->no_fresh_head_since == DAY_AT(7));
        CHECK_CONTAINS(partcert_verdict_summary(verdict).data, "no fresh head from its repository");
        partcert_verdict_free(verdict);
        partcert_part_evidence_free(evidence);
    }
    /* The frozen mirror serves the same head again: nothing to fetch, and
     * still stale. */
    OK(sync_from(&r, &w, device, r.heads[7], expired + HOUR, &again, NULL, E));
    CHECK(stale_reason_at(again, expired + HOUR, &since) == PARTCERT_STALE_REASON_NO_FRESH_HEAD);
    partcert_blocklist_free(device);
    /* A fresh head from the register: current again. */
    repo_publish_day(&r, &w, NULL, 0, NULL, 0);
    device = again;
    again = NULL;
    OK(sync_from(&r, &w, device, r.heads[8], DAY_AT(8) + HOUR, &again, NULL, E));
    CHECK(stale_reason_at(again, DAY_AT(8) + HOUR, &since) == PARTCERT_STALE_REASON_NONE);
    partcert_blocklist_free(again);
    partcert_blocklist_free(device);
    repo_free(&r);
}

/* Offers every file `update` names from the repository. */
static void offer_all(const repository *r, partcert_blocklist_update *update) {
    const partcert_file_ref *file;
    while ((file = partcert_blocklist_update_next_fetch(update)) != NULL) {
        const repo_file *served = repo_file_at(r, file->path.data);
        CHECK(served != NULL);
        if (served == NULL) return;
        OK(partcert_blocklist_update_offer(update, w.trust, served->data, served->len, E));
    }
}

static void a_holder_publishes_a_finished_update_only_over_the_blocklist_it_began_from(void) {
    repository r = {0};
    partcert_blocklist *device, *reader, *other;
    partcert_blocklist_holder *holder = NULL;
    partcert_blocklist_update *update = NULL;
    publish_week(&r);
    device = device_at(&r, 1);
    OK(partcert_blocklist_holder_new(device, &holder, E));
    reader = partcert_blocklist_holder_load(holder);
    OK(partcert_blocklist_holder_begin_update(holder, w.trust, head_bytes(r.heads[3]).data,
                                              head_bytes(r.heads[3]).len, DAY_AT(3) + HOUR,
                                              &update, E));
    offer_all(&r, update);
    /* Every file is in, not yet published: readers still see day 1. */
    {
        partcert_blocklist *current = partcert_blocklist_holder_load(holder);
        CHECK(held_version(current).sequence == 1);
        partcert_blocklist_free(current);
    }
    OK(partcert_blocklist_holder_finish_update(holder, update, E));
    partcert_blocklist_update_free(update);
    update = NULL;
    {
        partcert_blocklist *current = partcert_blocklist_holder_load(holder);
        CHECK(held_version(current).sequence == 3);
        CHECK(state_of(current, w.board_a, DAY_AT(3) + HOUR) == PARTCERT_BLOCKLIST_STATE_BLOCKED);
        partcert_blocklist_free(current);
    }
    CHECK(held_version(reader).sequence == 1); /* the reader's snapshot never changed */
    /* An update begun from day 3; meanwhile the device publishes another
     * blocklist: the update is refused, and what was published stays. */
    OK(partcert_blocklist_holder_begin_update(holder, w.trust, head_bytes(r.heads[5]).data,
                                              head_bytes(r.heads[5]).len, DAY_AT(5) + HOUR,
                                              &update, E));
    offer_all(&r, update);
    other = device_at(&r, 4);
    OK(partcert_blocklist_holder_publish(holder, other, E));
    CHECK_FAIL(partcert_blocklist_holder_finish_update(holder, update, E),
               PARTCERT_RESULT_INVALID_ARGUMENT, "changed since this update began");
    {
        partcert_blocklist *current = partcert_blocklist_holder_load(holder);
        CHECK(current == other && held_version(current).sequence == 4);
        partcert_blocklist_free(current);
    }
    CHECK_FAIL(partcert_blocklist_holder_finish_update(holder, update, E),
               PARTCERT_RESULT_INVALID_ARGUMENT, "failed or finished");
    partcert_blocklist_update_free(update);
    partcert_blocklist_free(other);
    partcert_blocklist_free(reader);
    partcert_blocklist_holder_free(holder);
    partcert_blocklist_free(device);
    repo_free(&r);
}

/* A snapshot of `authority` with no entries, at day `day`. */
static partcert_bytes *empty_list(const partcert_authority *authority, uint64_t epoch, int day) {
    partcert_bytes *list = NULL;
    OK(partcert_authority_publish(authority, PARTCERT_LIST_FORMAT_SORTED, epoch, (uint64_t)day,
                                  DAY_AT(day), DAY_AT(day) + LIST_LIFE, NULL, 0, NULL, NULL, NULL,
                                  &list, NULL, E));
    return list;
}

static void a_register_in_c_signs_each_head_and_refuses_its_accidents(void) {
    repository r = {0};
    partcert_blocklist *device;
    partcert_head *head = NULL, *decoded = NULL;
    partcert_authority *rogue = NULL;
    partcert_bytes *empty, *rogue_list;
    uint8_t seed[PARTCERT_SEED_LEN];
    uint64_t dropped = 99, confirmed;
    publish_week(&r);
    device = device_at(&r, 7);
    /* The head round-trips through its bytes. */
    OK(partcert_head_decode(head_bytes(r.heads[7]).data, head_bytes(r.heads[7]).len, &decoded, E));
    CHECK(head_bytes(decoded).len == head_bytes(r.heads[7]).len &&
          memcmp(head_bytes(decoded).data, head_bytes(r.heads[7]).data,
                 head_bytes(decoded).len) == 0);
    CHECK(partcert_head_details(decoded)->version.sequence == 7);
    CHECK(partcert_head_file_for(decoded, (const uint8_t *)"not a list", 10) == NULL);
    /* A first head needs a snapshot: a delta alone leads nowhere. */
    {
        partcert_slice delta = {r.files[1].data, r.files[1].len};
        CHECK(ends_with(r.files[1].path, ".pcbd"));
        CHECK_FAIL(partcert_head_next(w.publisher, NULL, &delta, 1, WINDOW, DAY_AT(8),
                                      DAY_AT(8) + HEAD_LIFE, &head, E),
                   PARTCERT_RESULT_INVALID_FIELD, "snapshot");
    }
    /* Another register's list is not this register's to serve. */
    seed_of(seed, 30);
    OK(partcert_authority_new_blocklist_root(seed, "Rogue register", 14, T0, YEARS(30), &rogue, E));
    rogue_list = empty_list(rogue, 1, 8);
    {
        partcert_slice added = {bdata(rogue_list), blen(rogue_list)};
        CHECK_RC(partcert_head_next(w.publisher, decoded, &added, 1, WINDOW, DAY_AT(8),
                                    DAY_AT(8) + HEAD_LIFE, &head, E),
                 PARTCERT_RESULT_WRONG_AUTHORITY);
        /* ... and its own head is refused by a device that does not pin it. */
        OK(partcert_head_next(rogue, NULL, &added, 1, WINDOW, DAY_AT(8), DAY_AT(8) + HEAD_LIFE,
                              &head, E));
        CHECK_RC(sync_from(&r, &w, device, head, DAY_AT(8), NULL, NULL, E),
                 PARTCERT_RESULT_UNKNOWN_ISSUER);
        partcert_head_free(head);
        head = NULL;
    }
    CHECK(head == NULL);
    /* Day 8's export came out empty: refused before it is signed into a
     * head, unless the register confirms exactly what it drops. */
    empty = empty_list(w.publisher, PUBLISHER_EPOCH, 8);
    CHECK_FAIL(partcert_blocklist_check_delisting(device, bdata(empty), blen(empty), NULL, &dropped,
                                                  E),
               PARTCERT_RESULT_MASS_DELISTING, "delist");
    CHECK(dropped == 99);
    confirmed = partcert_blocklist_list(device, 0)->entry_count;
    OK(partcert_blocklist_check_delisting(device, bdata(empty), blen(empty), &confirmed, &dropped,
                                          E));
    CHECK(dropped == confirmed && dropped == 6);
    confirmed = 5;
    CHECK_RC(partcert_blocklist_check_delisting(device, bdata(empty), blen(empty), &confirmed,
                                                NULL, E),
             PARTCERT_RESULT_MASS_DELISTING);
    /* A list that only adds drops nothing; a register's first list has
     * nothing to drop. */
    OK(partcert_blocklist_check_delisting(device, r.files[6].data, r.files[6].len, NULL, &dropped,
                                          E));
    CHECK(dropped == 0);
    {
        partcert_blocklist *fresh = partcert_blocklist_new();
        OK(partcert_blocklist_check_delisting(fresh, bdata(empty), blen(empty), NULL, &dropped, E));
        CHECK(dropped == 0);
        partcert_blocklist_free(fresh);
    }
    partcert_bytes_free(empty);
    partcert_bytes_free(rogue_list);
    partcert_authority_free(rogue);
    partcert_head_free(decoded);
    partcert_blocklist_free(device);
    repo_free(&r);
}

/* Bytes a mirror or an attacker might serve as a head. */
static void hostile_heads_are_refused_with_typed_errors(void) {
    repository r = {0};
    partcert_blocklist *device = partcert_blocklist_new();
    partcert_blocklist_update *update = NULL;
    partcert_head *head = NULL;
    static uint8_t bytes[1 << 16];
    partcert_slice good;
    const struct {
        const char *what;
        size_t len; /* of the good head's bytes, or a fixed length below */
        int change;
        partcert_result want;
    } cases[] = {
        {"empty", 0, 0, PARTCERT_RESULT_TRUNCATED},
        {"cut short", 1, 0, PARTCERT_RESULT_TRUNCATED},
        {"a byte past the end", 2, 0, PARTCERT_RESULT_TRAILING_BYTES},
        {"not partcert bytes", 3, 0, PARTCERT_RESULT_BAD_MAGIC},
    };
    publish_week(&r);
    good = head_bytes(r.heads[3]);
    CHECK(good.len + 1 < sizeof bytes);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = 0;
        memcpy(bytes, good.data, good.len);
        bytes[good.len] = 0;
        if (cases[i].len == 1) len = good.len / 2;
        if (cases[i].len == 2) len = good.len + 1;
        if (cases[i].len == 3) {
            memcpy(bytes, "<html>404</html>", 16);
            len = 16;
        }
        h_case = cases[i].what;
        CHECK_RC(partcert_head_decode(bytes, len, &head, E), cases[i].want);
        CHECK_RC(partcert_blocklist_update_begin(device, w.trust, bytes, len, DAY_AT(3), &update, E),
                 cases[i].want);
        CHECK(head == NULL && update == NULL);
    }
    h_case = __func__;
    /* A list where the head should be: another object. */
    CHECK_RC(partcert_head_decode(bdata(r.master), blen(r.master), &head, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_blocklist_update_begin(device, w.trust, bdata(r.master), blen(r.master),
                                             DAY_AT(3), &update, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    /* Its signature altered: decodes, and is refused by the update. */
    memcpy(bytes, good.data, good.len);
    bytes[good.len - 1] ^= 1;
    OK(partcert_head_decode(bytes, good.len, &head, E));
    partcert_head_free(head);
    head = NULL;
    CHECK_RC(partcert_blocklist_update_begin(device, w.trust, bytes, good.len, DAY_AT(3), &update, E),
             PARTCERT_RESULT_BAD_SIGNATURE);
    /* Lists that do not decode, given to sign a head over. */
    {
        partcert_slice added[] = {{bytes, 16}, {bdata(r.master), blen(r.master) - 1}};
        memcpy(bytes, "<html>404</html>", 16);
        CHECK_RC(partcert_head_next(w.publisher, NULL, &added[0], 1, WINDOW, DAY_AT(8),
                                    DAY_AT(9), &head, E),
                 PARTCERT_RESULT_BAD_MAGIC);
        CHECK_RC(partcert_head_next(w.publisher, NULL, &added[1], 1, WINDOW, DAY_AT(8),
                                    DAY_AT(9), &head, E),
                 PARTCERT_RESULT_TRUNCATED);
        CHECK_RC(partcert_blocklist_check_delisting(device, bytes, 16, NULL, NULL, E),
                 PARTCERT_RESULT_BAD_MAGIC);
        CHECK(head == NULL);
    }
    /* Offering after the last file: nothing is left to take. */
    {
        partcert_blocklist *at_3 = device_at(&r, 3);
        OK(partcert_blocklist_update_begin(at_3, w.trust, good.data, good.len, DAY_AT(3) + HOUR,
                                           &update, E));
        CHECK_FAIL(partcert_blocklist_update_offer(update, w.trust, r.files[0].data,
                                                   r.files[0].len, E),
                   PARTCERT_RESULT_INVALID_FIELD, "no file is left");
        partcert_blocklist_update_free(update);
        partcert_blocklist_free(at_3);
    }
    partcert_blocklist_free(device);
    repo_free(&r);
}

static void null_arguments_to_heads_and_standings_name_the_argument(void) {
    repository r = {0};
    partcert_blocklist *device = partcert_blocklist_new();
    partcert_head *head = (partcert_head *)&w;
    partcert_lists_checked *lists = (partcert_lists_checked *)&w;
    partcert_slice good, added;
    uint64_t dropped = 42;
    publish_week(&r);
    good = head_bytes(r.heads[1]);
    added.data = bdata(r.master);
    added.len = blen(r.master);
    CHECK_NULL(partcert_head_decode(NULL, 4, &head, E), "data");
    CHECK_NULL(partcert_head_decode(good.data, good.len, NULL, E), "head_out");
    CHECK_NULL(partcert_head_next(NULL, NULL, &added, 1, WINDOW, DAY_AT(8), DAY_AT(9), &head, E),
               "authority");
    CHECK_NULL(partcert_head_next(w.publisher, NULL, NULL, 1, WINDOW, DAY_AT(8), DAY_AT(9), &head,
                                  E),
               "added");
    CHECK_NULL(partcert_head_next(w.publisher, NULL, &added, 1, WINDOW, DAY_AT(8), DAY_AT(9), NULL,
                                  E),
               "head_out");
    CHECK_NULL(partcert_blocklist_lists_checked(NULL, w.trust, DAY_AT(1), &lists, E), "blocklist");
    CHECK_NULL(partcert_blocklist_lists_checked(device, NULL, DAY_AT(1), &lists, E), "trust");
    CHECK_NULL(partcert_blocklist_lists_checked(device, w.trust, DAY_AT(1), NULL, E), "lists_out");
    CHECK_NULL(partcert_blocklist_check_delisting(NULL, added.data, added.len, NULL, &dropped, E),
               "held");
    CHECK_NULL(partcert_blocklist_check_delisting(device, NULL, 5, NULL, &dropped, E), "list");
    /* Failing calls wrote no out-parameter. */
    CHECK(head == (partcert_head *)&w && lists == (partcert_lists_checked *)&w && dropped == 42);
    /* Reads of NULL are empty; frees of NULL do nothing. */
    CHECK(partcert_head_details(NULL) == NULL);
    CHECK(partcert_head_file(NULL, 0) == NULL);
    CHECK(partcert_head_file_for(NULL, good.data, good.len) == NULL);
    CHECK(partcert_head_file_for(r.heads[1], NULL, 3) == NULL);
    CHECK(partcert_head_bytes(NULL).len == 0 && partcert_head_bytes(NULL).data == NULL);
    CHECK(partcert_lists_checked_count(NULL) == 0);
    CHECK(partcert_lists_checked_get(NULL, 0) == NULL);
    partcert_head_free(NULL);
    partcert_lists_checked_free(NULL);
    partcert_blocklist_free(device);
    repo_free(&r);
}

static void null_arguments_to_an_update_name_the_argument_and_spend_nothing(void) {
    repository r = {0};
    partcert_blocklist *device = partcert_blocklist_new(), *out = (partcert_blocklist *)&w;
    partcert_blocklist_holder *holder = NULL;
    partcert_blocklist_update *update = (partcert_blocklist_update *)&w, *live = NULL;
    partcert_slice good;
    const repo_file *first;
    publish_week(&r);
    good = head_bytes(r.heads[1]);
    first = &r.files[0];
    OK(partcert_blocklist_holder_new(device, &holder, E));
    CHECK_NULL(partcert_blocklist_update_begin(NULL, w.trust, good.data, good.len, DAY_AT(1),
                                               &update, E),
               "blocklist");
    CHECK_NULL(partcert_blocklist_update_begin(device, NULL, good.data, good.len, DAY_AT(1), &update,
                                               E),
               "trust");
    CHECK_NULL(partcert_blocklist_update_begin(device, w.trust, NULL, 3, DAY_AT(1), &update, E),
               "head");
    CHECK_NULL(partcert_blocklist_update_begin(device, w.trust, good.data, good.len, DAY_AT(1),
                                               NULL, E),
               "update_out");
    CHECK_NULL(partcert_blocklist_holder_begin_update(NULL, w.trust, good.data, good.len, DAY_AT(1),
                                                      &update, E),
               "holder");
    CHECK_NULL(partcert_blocklist_holder_begin_update(holder, NULL, good.data, good.len, DAY_AT(1),
                                                      &update, E),
               "trust");
    CHECK_NULL(partcert_blocklist_holder_begin_update(holder, w.trust, NULL, 1, DAY_AT(1), &update,
                                                      E),
               "head");
    CHECK_NULL(partcert_blocklist_holder_begin_update(holder, w.trust, good.data, good.len,
                                                      DAY_AT(1), NULL, E),
               "update_out");
    OK(partcert_blocklist_update_begin(device, w.trust, good.data, good.len, DAY_AT(1) + HOUR, &live,
                                       E));
    CHECK_NULL(partcert_blocklist_update_offer(NULL, w.trust, first->data, first->len, E), "update");
    CHECK_NULL(partcert_blocklist_update_offer(live, NULL, first->data, first->len, E), "trust");
    CHECK_NULL(partcert_blocklist_update_offer(live, w.trust, NULL, 9, E), "data");
    CHECK_NULL(partcert_blocklist_update_finish(NULL, &out, E), "update");
    CHECK_NULL(partcert_blocklist_update_finish(live, NULL, E), "blocklist_out");
    CHECK_NULL(partcert_blocklist_holder_finish_update(NULL, live, E), "holder");
    CHECK_NULL(partcert_blocklist_holder_finish_update(holder, NULL, E), "update");
    CHECK(out == (partcert_blocklist *)&w && update == (partcert_blocklist_update *)&w);
    /* The NULL checks spent nothing: the update still goes through. */
    CHECK(partcert_blocklist_update_remaining(live) == 1);
    offer_all(&r, live);
    OK(partcert_blocklist_holder_finish_update(holder, live, E));
    partcert_blocklist_update_free(live);
    CHECK(partcert_blocklist_update_next_fetch(NULL) == NULL);
    CHECK(partcert_blocklist_update_remaining(NULL) == 0);
    CHECK(partcert_blocklist_update_head(NULL) == NULL);
    partcert_blocklist_update_free(NULL);
    partcert_blocklist_holder_free(holder);
    partcert_blocklist_free(device);
    repo_free(&r);
}

int main(void) {
    world_build(&w);
    RUN(a_device_follows_a_week_of_deltas_fetching_only_what_it_lacks);
    RUN(the_update_names_each_file_and_lends_the_verified_head);
    RUN(a_mirror_replaying_an_older_head_is_refused_and_the_state_kept);
    RUN(a_file_of_another_day_is_refused_before_decoding_and_the_state_kept);
    RUN(a_file_cut_short_too_long_or_altered_is_refused_and_the_state_kept);
    RUN(a_file_missing_in_the_middle_of_a_chain_leaves_the_state_in_force);
    RUN(a_frozen_mirror_reads_no_fresh_head_once_its_head_expires_never_clean);
    RUN(a_holder_publishes_a_finished_update_only_over_the_blocklist_it_began_from);
    RUN(a_register_in_c_signs_each_head_and_refuses_its_accidents);
    RUN(hostile_heads_are_refused_with_typed_errors);
    RUN(null_arguments_to_heads_and_standings_name_the_argument);
    RUN(null_arguments_to_an_update_name_the_argument_and_spend_nothing);
    world_free(&w);
    return h_finish("test_update");
}

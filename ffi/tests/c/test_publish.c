/* The blocklist wing's two calls (since 1.4): `partcert_authority_publish`
 * signs a list in every format — sorted, compact, or a delta over a
 * snapshot or over what a device holds — and says what changed, in the
 * core's counts; `partcert_blocklist_apply` (and the holder's) applies
 * every format, told by its content. Then what they refuse (NULL and
 * hostile arguments, the core's rules), and the calls of 1.0–1.3 they
 * replaced, which must sign the same bytes and refuse the same objects. */
#include "world.h"

static world w;

#define ARG PARTCERT_RESULT_INVALID_ARGUMENT

/* What `partcert_authority_publish` takes, but the authority and outputs. */
typedef struct publication {
    partcert_list_format format;
    uint64_t sequence;
    const partcert_bytes *base_snapshot;
    const partcert_blocklist *base_held;
    const partcert_blocklist_entries *delisted;
    const partcert_blocklist_entries *listed;
} publication;

/* Publishes `p` (epoch 1, issued at NOW, fresh for a day) with the
 * register's publisher: the list and the counts on success. */
static partcert_result publish(const publication *p, partcert_bytes **list,
                               partcert_list_changes **changes, partcert_error **error) {
    const uint8_t *base = p->base_snapshot ? bdata(p->base_snapshot) : NULL;
    size_t base_len = p->base_snapshot ? blen(p->base_snapshot) : 0;
    return partcert_authority_publish(w.publisher, p->format, PUBLISHER_EPOCH, p->sequence, NOW,
                                      NOW + DAY, base, base_len, p->base_held, p->delisted,
                                      p->listed, list, changes, error);
}

/* Frees what a publication made, for the next. */
static void done(partcert_bytes **list, partcert_list_changes **changes) {
    partcert_bytes_free(*list);
    partcert_list_changes_free(*changes);
    *list = NULL;
    *changes = NULL;
}

/* The counts, in the struct's order. */
static int counts_are(const partcert_list_changes *c, uint64_t carried, uint64_t listed,
                      uint64_t relisted, uint64_t delisted, uint64_t not_listed,
                      uint64_t given_twice, uint64_t total) {
    int same = c->carried == carried && c->listed == listed && c->relisted == relisted &&
               c->delisted == delisted && c->not_listed == not_listed &&
               c->given_twice == given_twice && c->total == total;
    if (!same)
        fprintf(stderr,
                "counts: carried %llu listed %llu relisted %llu delisted %llu not_listed %llu "
                "given_twice %llu total %llu\n",
                (unsigned long long)c->carried, (unsigned long long)c->listed,
                (unsigned long long)c->relisted, (unsigned long long)c->delisted,
                (unsigned long long)c->not_listed, (unsigned long long)c->given_twice,
                (unsigned long long)c->total);
    return same;
}

/* Entries: handset A reported stolen (its IMEI, board, screen, battery, and
 * the battery by its key: five keys), `times` times over. */
static partcert_blocklist_entries *handset_a(int times) {
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    for (int i = 0; i < times; i++)
        OK(partcert_blocklist_entries_add_reported_handset(entries, bdata(w.record_a),
                                                           blen(w.record_a),
                                                           PARTCERT_REASON_STOLEN, STOLEN_AT,
                                                           PARTCERT_LISTING_STATUS_FINAL, E));
    return entries;
}

/* Entries for the handsets by IMEI, each listed stolen. */
static partcert_blocklist_entries *imeis(const uint64_t *list, size_t count) {
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    for (size_t i = 0; i < count; i++)
        OK(partcert_blocklist_entries_add_handset(entries, list[i], PARTCERT_REASON_STOLEN,
                                                  STOLEN_AT, PARTCERT_LISTING_STATUS_FINAL, E));
    return entries;
}

/* How many keys the device holds for the register. */
static size_t held_keys(const partcert_blocklist *device) {
    const partcert_list_info *info = partcert_blocklist_list(device, 0);
    return info ? info->entry_count : 0;
}

/* One call per format, each applied by the one apply call; the counts are
 * the core's. */
static void every_format_in_one_call(void) {
    partcert_blocklist *device = blocklist_at_s2(&w);
    partcert_blocklist_holder *holder = NULL;
    partcert_blocklist_entries *twice = handset_a(2), *found = NULL, *stolen_x = NULL;
    partcert_blocklist_entries *gone = NULL, *lost = partcert_blocklist_entries_new();
    partcert_bytes *list = NULL;
    partcert_list_changes *changes = NULL;
    partcert_list_version version = {0, 0};
    uint8_t battery_key[PARTCERT_PUBLIC_KEY_LEN], battery_id[PARTCERT_DIGEST_LEN];
    const uint64_t a[] = {IMEI_A}, x[] = {IMEI_X}, a_and_x[] = {IMEI_A, IMEI_X};

    /* A whole sorted list with no base: five keys, each given twice alike. */
    publication sorted = {PARTCERT_LIST_FORMAT_SORTED, 3, NULL, NULL, NULL, twice};
    OK(publish(&sorted, &list, &changes, E));
    CHECK(counts_are(changes, 0, 5, 0, 0, 0, 5, 5));
    OK(partcert_blocklist_apply(device, w.trust, bdata(list), blen(list), NOW, &version, E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 3);
    CHECK(held_keys(device) == 5);
    done(&list, &changes);

    /* A delta over what the device holds: handset A's IMEI found again. */
    found = imeis(a, 1);
    publication delta = {PARTCERT_LIST_FORMAT_DELTA, 4, NULL, device, found, NULL};
    OK(publish(&delta, &list, &changes, E));
    /* `carried` is not checked here: over a held list the core counted only
     * the keys given again alike (reported to the core's engineer). */
    CHECK(changes->listed == 0 && changes->relisted == 0 && changes->delisted == 1 &&
          changes->not_listed == 0 && changes->given_twice == 0 && changes->total == 4);
    OK(partcert_blocklist_apply(device, w.trust, bdata(list), blen(list), NOW, &version, E));
    CHECK(version.sequence == 4 && held_keys(device) == 4);
    done(&list, &changes);

    /* The next whole list, compact, over the master list s2: IMEI A
     * delisted, IMEI X (never listed) not; the battery's key relisted as
     * lost; handset D's three keys listed; the other three keys carried. */
    key_of(BATTERY_SEED, battery_key);
    OK(partcert_public_key_id(battery_key, battery_id, E));
    OK(partcert_blocklist_entries_add_part_key(lost, battery_id, PARTCERT_REASON_LOST, NOW,
                                               PARTCERT_LISTING_STATUS_FINAL, NULL, E));
    OK(partcert_blocklist_entries_add_reported_handset(lost, bdata(w.record_d),
                                                       blen(w.record_d), PARTCERT_REASON_LOST,
                                                       NOW, PARTCERT_LISTING_STATUS_SUSPENDED,
                                                       E));
    gone = imeis(a_and_x, 2);
    publication compact = {PARTCERT_LIST_FORMAT_COMPACT, 5, w.s2, NULL, gone, lost};
    OK(publish(&compact, &list, &changes, E));
    CHECK(counts_are(changes, 3, 3, 1, 1, 1, 0, 7));
    {
        partcert_object_type type = 0;
        OK(partcert_object_type_of(bdata(list), blen(list), &type, E));
        CHECK(type == PARTCERT_OBJECT_TYPE_COMPACT_SNAPSHOT);
    }
    /* Applied through a holder: the same call for every format. */
    OK(partcert_blocklist_holder_new(device, &holder, E));
    OK(partcert_blocklist_holder_apply(holder, w.trust, bdata(list), blen(list), NOW, &version,
                                       E));
    CHECK(version.sequence == 5);
    done(&list, &changes);

    /* A delta over the compact list as the holder's blocklist holds it. */
    {
        partcert_blocklist *current = partcert_blocklist_holder_load(holder);
        stolen_x = imeis(x, 1);
        publication over = {PARTCERT_LIST_FORMAT_DELTA, 6, NULL, current, NULL, stolen_x};
        OK(publish(&over, &list, NULL, E)); /* the counts are optional */
        OK(partcert_blocklist_holder_apply(holder, w.trust, bdata(list), blen(list), NOW,
                                           &version, E));
        CHECK(version.sequence == 6);
        partcert_blocklist_free(current);
    }
    partcert_bytes_free(list);
    partcert_blocklist_holder_free(holder);
    partcert_blocklist_entries_free(stolen_x);
    partcert_blocklist_entries_free(gone);
    partcert_blocklist_entries_free(lost);
    partcert_blocklist_entries_free(found);
    partcert_blocklist_entries_free(twice);
    partcert_blocklist_free(device);
}

/* What the core refuses, and arguments that cannot be right; nothing is
 * written on failure. */
static void refusals_and_hostile_arguments(void) {
    partcert_blocklist *device = blocklist_at_s2(&w), *empty = partcert_blocklist_new();
    partcert_blocklist_entries *entries = handset_a(1), *a = NULL, *conflicting = handset_a(1);
    partcert_bytes *list = (partcert_bytes *)&w;
    partcert_list_changes *changes = (partcert_list_changes *)&w;
    const uint64_t imei_a[] = {IMEI_A};
    uint8_t junk[64];
    memset(junk, 0xA5, sizeof junk);
    a = imeis(imei_a, 1);
    OK(partcert_blocklist_entries_add_handset(conflicting, IMEI_A, PARTCERT_REASON_LOST,
                                              STOLEN_AT, PARTCERT_LISTING_STATUS_FINAL, E));

    publication both = {PARTCERT_LIST_FORMAT_DELTA, 3, w.s2, device, NULL, entries};
    CHECK_FAIL(publish(&both, &list, &changes, E), ARG, "give one base");
    publication unknown = {0, 3, NULL, NULL, NULL, entries};
    CHECK_FAIL(publish(&unknown, &list, &changes, E), ARG, "`format` is 0");
    unknown.format = 4;
    CHECK_FAIL(publish(&unknown, &list, &changes, E), ARG, "`format` is 4");
    publication no_base = {PARTCERT_LIST_FORMAT_DELTA, 3, NULL, NULL, NULL, entries};
    CHECK_FAIL(publish(&no_base, &list, &changes, E), PARTCERT_RESULT_INVALID_FIELD,
               "a delta needs a base");
    publication held_nothing = {PARTCERT_LIST_FORMAT_DELTA, 3, NULL, empty, NULL, entries};
    CHECK_FAIL(publish(&held_nothing, &list, &changes, E), ARG, "`base_held` holds no list");
    publication both_sides = {PARTCERT_LIST_FORMAT_SORTED, 3, NULL, NULL, a, entries};
    CHECK_FAIL(publish(&both_sides, &list, &changes, E), PARTCERT_RESULT_CONTRADICTION,
               "356938035643809");
    publication twice_differently = {PARTCERT_LIST_FORMAT_COMPACT, 3, NULL, NULL, NULL,
                                     conflicting};
    CHECK_FAIL(publish(&twice_differently, &list, &changes, E), PARTCERT_RESULT_NOT_CANONICAL,
               "356938035643809 is given twice");
    publication older = {PARTCERT_LIST_FORMAT_SORTED, 2, w.s2, NULL, NULL, entries};
    CHECK_RC(publish(&older, &list, &changes, E), PARTCERT_RESULT_ROLLBACK);
    publication over_compact = {PARTCERT_LIST_FORMAT_SORTED, 3, NULL, NULL, NULL, entries};
    CHECK_RC(partcert_authority_publish(w.root, PARTCERT_LIST_FORMAT_SORTED, 1, 3, NOW,
                                        NOW + DAY, NULL, 0, NULL, NULL, entries, &list,
                                        &changes, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_publish(w.publisher, PARTCERT_LIST_FORMAT_SORTED, 2, 1, NOW,
                                        NOW + DAY, NULL, 0, NULL, NULL, entries, &list,
                                        &changes, E),
             PARTCERT_RESULT_EPOCH_NOT_PERMITTED);
    CHECK_RC(partcert_authority_publish(w.publisher, PARTCERT_LIST_FORMAT_SORTED, 1, 3, NOW,
                                        NOW, NULL, 0, NULL, NULL, entries, &list, &changes, E),
             PARTCERT_RESULT_INVALID_FIELD);
    /* A base that is not a sorted snapshot of this register. */
    CHECK_RC(partcert_authority_publish(w.publisher, PARTCERT_LIST_FORMAT_SORTED, 1, 3, NOW,
                                        NOW + DAY, junk, sizeof junk, NULL, NULL, entries, &list,
                                        &changes, E),
             PARTCERT_RESULT_BAD_MAGIC);
    CHECK_RC(partcert_authority_publish(w.publisher, PARTCERT_LIST_FORMAT_SORTED, 1, 3, NOW,
                                        NOW + DAY, bdata(w.s2), blen(w.s2) - 1, NULL, NULL,
                                        entries, &list, &changes, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_authority_publish(w.publisher, PARTCERT_LIST_FORMAT_SORTED, 1, 3, NOW,
                                        NOW + DAY, bdata(w.delta12), blen(w.delta12), NULL,
                                        NULL, entries, &list, &changes, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_authority_publish(w.publisher, PARTCERT_LIST_FORMAT_SORTED, 1, 3, NOW,
                                        NOW + DAY, bdata(w.line_cert), blen(w.line_cert), NULL,
                                        NULL, entries, &list, &changes, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    /* A whole list cannot be built over a compact one. */
    {
        partcert_bytes *compact = NULL;
        partcert_blocklist *holds_compact = partcert_blocklist_new();
        publication first = {PARTCERT_LIST_FORMAT_COMPACT, 3, NULL, NULL, NULL, entries};
        OK(publish(&first, &compact, NULL, E));
        OK(partcert_blocklist_apply(holds_compact, w.trust, bdata(compact), blen(compact), NOW,
                                    NULL, E));
        over_compact.sequence = 4;
        over_compact.base_held = holds_compact;
        CHECK_FAIL(publish(&over_compact, &list, &changes, E), PARTCERT_RESULT_INVALID_FIELD,
                   "fingerprints");
        partcert_blocklist_free(holds_compact);
        partcert_bytes_free(compact);
    }
    CHECK(list == (partcert_bytes *)&w);
    CHECK(changes == (partcert_list_changes *)&w);

    /* The one apply call refuses what is no list, naming it, and changes
     * nothing. */
    CHECK_RC(partcert_blocklist_apply(device, w.trust, junk, sizeof junk, NOW, NULL, E),
             PARTCERT_RESULT_BAD_MAGIC);
    CHECK_FAIL(partcert_blocklist_apply(device, w.trust, bdata(w.line_cert), blen(w.line_cert),
                                        NOW, NULL, E),
               PARTCERT_RESULT_WRONG_OBJECT_TYPE, "certificate");
    CHECK(partcert_blocklist_list(device, 0)->version.sequence == 2);

    partcert_blocklist_entries_free(conflicting);
    partcert_blocklist_entries_free(a);
    partcert_blocklist_entries_free(entries);
    partcert_blocklist_free(empty);
    partcert_blocklist_free(device);
}

/* The same bytes, told apart. */
static int same_bytes(const partcert_bytes *a, const partcert_bytes *b) {
    return blen(a) == blen(b) && memcmp(bdata(a), bdata(b), blen(a)) == 0;
}

/* Publishes version 3 over `held` with `partcert_authority_publish_delta_over`
 * (`delisted`, `listed`) and with the one call (`as_delisted`, `as_listed`):
 * whether both signed the same bytes. */
static int delta_over_as_the_one_call(const partcert_blocklist *held,
                                      const partcert_blocklist_entries *delisted,
                                      const partcert_blocklist_entries *listed,
                                      const partcert_blocklist_entries *as_delisted,
                                      const partcert_blocklist_entries *as_listed) {
    partcert_bytes *old = NULL, *new = NULL;
    publication one_call = {PARTCERT_LIST_FORMAT_DELTA, 3, NULL, held, as_delisted, as_listed};
    OK(partcert_authority_publish_delta_over(w.publisher, held, PUBLISHER_EPOCH, 3, NOW,
                                             NOW + DAY, delisted, listed, &old, E));
    OK(publish(&one_call, &new, NULL, E));
    int same = old != NULL && new != NULL && same_bytes(old, new);
    partcert_bytes_free(old);
    partcert_bytes_free(new);
    return same;
}

/* The calls of 1.0–1.3 sign what the one call signs, and the one-format
 * apply calls still refuse every other format (105), as they did. */
static void the_replaced_calls_behave_as_before(void) {
    partcert_blocklist_entries *entries = handset_a(1), *none = partcert_blocklist_entries_new();
    partcert_blocklist *device = blocklist_at_s2(&w);
    partcert_blocklist_holder *holder = NULL;
    partcert_bytes *old = NULL, *new = NULL, *compact = NULL;

    OK(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 3, NOW, NOW + DAY,
                                           entries, &old, E));
    publication sorted = {PARTCERT_LIST_FORMAT_SORTED, 3, NULL, NULL, NULL, entries};
    OK(publish(&sorted, &new, NULL, E));
    CHECK(same_bytes(old, new));
    partcert_bytes_free(old);
    partcert_bytes_free(new);

    OK(partcert_authority_publish_compact_snapshot(w.publisher, PUBLISHER_EPOCH, 3, NOW,
                                                   NOW + DAY, entries, &old, E));
    publication whole_compact = {PARTCERT_LIST_FORMAT_COMPACT, 3, NULL, NULL, NULL, entries};
    OK(publish(&whole_compact, &compact, NULL, E));
    CHECK(same_bytes(old, compact));
    partcert_bytes_free(old);

    /* publish_delta_over signs what the one call signs over the same held
     * list; either list NULL means none, as in the one call (since 1.7:
     * `listed` NULL was 500 before). */
    CHECK(delta_over_as_the_one_call(device, NULL, none, NULL, none));
    CHECK(delta_over_as_the_one_call(device, NULL, NULL, NULL, none));
    CHECK(delta_over_as_the_one_call(device, none, NULL, NULL, NULL));
    /* A delta that only delists handset A (the stolen one found). */
    CHECK(delta_over_as_the_one_call(device, entries, NULL, entries, NULL));

    /* s1 to s2 is handset A listed: the world's delta, signed either way. */
    OK(partcert_authority_publish(w.publisher, PARTCERT_LIST_FORMAT_DELTA, PUBLISHER_EPOCH, 2,
                                  S2_AT, S2_AT + LIST_LIFE, bdata(w.s1), blen(w.s1), NULL, NULL,
                                  entries, &new, NULL, E));
    CHECK(same_bytes(new, w.delta12));
    partcert_bytes_free(new);

    /* Each one-format apply call takes its own format only. */
    CHECK_FAIL(partcert_blocklist_apply_snapshot(device, w.trust, bdata(w.delta12),
                                                 blen(w.delta12), NOW, NULL, E),
               PARTCERT_RESULT_WRONG_OBJECT_TYPE, "delta");
    CHECK_RC(partcert_blocklist_apply_snapshot(device, w.trust, bdata(compact), blen(compact),
                                               NOW, NULL, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_blocklist_apply_delta(device, w.trust, bdata(w.s2), blen(w.s2), NOW, NULL,
                                            E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    OK(partcert_blocklist_holder_new(device, &holder, E));
    CHECK_RC(partcert_blocklist_holder_apply_snapshot(holder, w.trust, bdata(compact),
                                                      blen(compact), NOW, NULL, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_blocklist_holder_apply_delta(holder, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                                   NULL, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    /* ... and the one call takes it. */
    OK(partcert_blocklist_holder_apply(holder, w.trust, bdata(compact), blen(compact), NOW, NULL,
                                       E));

    partcert_blocklist_holder_free(holder);
    partcert_bytes_free(compact);
    partcert_blocklist_free(device);
    partcert_blocklist_entries_free(none);
    partcert_blocklist_entries_free(entries);
}

/* Each code's hint is the core's line for what to do about it. */
static void results_carry_the_cores_hints(void) {
    CHECK(strstr(partcert_result_hint(PARTCERT_RESULT_BAD_SIGNATURE).data, "do not trust it") !=
          NULL);
    CHECK(strstr(partcert_result_hint(PARTCERT_RESULT_CONTRADICTION).data, "one side only") !=
          NULL);
    CHECK_PSTR(partcert_result_name(PARTCERT_RESULT_CONTRADICTION), "Contradiction");
    CHECK_PSTR(partcert_result_hint(PARTCERT_RESULT_OK), "");
    CHECK_PSTR(partcert_result_hint(7), "");
    partcert_list_changes_free(NULL); /* as every _free */
}

int main(void) {
    world_build(&w);
    RUN(every_format_in_one_call);
    RUN(refusals_and_hostile_arguments);
    RUN(the_replaced_calls_behave_as_before);
    RUN(results_carry_the_cores_hints);
    world_free(&w);
    return h_finish("test_publish");
}

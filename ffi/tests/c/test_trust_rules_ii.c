/* Trust rules II (issue 15), told through the C ABI, one story per new
 * call and field of ABI 1.3:
 *
 * - a thief holding the register's publisher key wipes Alice's handset
 *   from the list with a date 14 years ahead: the list reads FUTURE_DATED,
 *   and the root's next-epoch correction, signed by a publisher certified
 *   for two years only, is accepted on every device;
 * - an operator's list dated 10 years ahead flags only itself;
 * - a maker's revocation list dated years ahead, applied with the clock it
 *   was received at (partcert_trust_store_apply_revocation_list_at),
 *   expires none of the maker's parts, and moves no register's clock;
 * - a listed board shown with a rival maker's pairing record stays
 *   blocked, the refusal readable beside it (verdict and handset report);
 * - a harvested keyed camera re-certified under another root reads
 *   blocked by its key (PART_KEY);
 * - a hit in a compact list reads PART_FINGERPRINT, "by fingerprint";
 * - a lookup flooded with listed IMEIs is capped;
 * - a device unfollows a rogue operator, and a saved state loaded with
 *   fewer pinned roots reports the dropped authority;
 * - a repair after a line's key leaked keeps the board genuine when the
 *   new record is signed with partcert_authority_pair_after;
 * - a part of a retired line stays genuine when its maker's record places
 *   it before the retirement.
 *
 * NULL and hostile inputs of these functions are in test_errors.c. */
#include "world.h"

static world w;

/* The clean donor's board, and a camera handset's, listed nowhere. */
static uint64_t imei_of(uint64_t body) {
    uint64_t imei = 0;
    OK(partcert_imei_with_check_digit(body, &imei, E));
    return imei;
}

/* An authority (key `seed_n`) certified by the blocklist root `by` for
 * `epoch`, valid from `not_before` to `not_after`. */
static partcert_authority *make_publisher_valid(partcert_authority *by, const char *name,
                                                uint8_t seed_n, uint64_t epoch,
                                                uint64_t not_before, uint64_t not_after) {
    uint8_t key[PARTCERT_PUBLIC_KEY_LEN];
    partcert_bytes *cert = NULL;
    partcert_authority *publisher;
    key_of(seed_n, key);
    OK(partcert_authority_certify_blocklist_authority(by, name, strlen(name), key, epoch, 9,
                                                      not_before, not_after, &cert, E));
    publisher = load_authority(seed_n, cert);
    partcert_bytes_free(cert);
    return publisher;
}

/* A pairing record of `board` and `parts`, signed at `at`. */
static partcert_bytes *pair_at(partcert_authority *pairing, const partcert_bytes *board,
                               const partcert_bytes *const *parts, size_t part_count,
                               uint64_t sequence, uint32_t event, uint64_t at) {
    partcert_slice slices[4];
    partcert_bytes *record = NULL;
    for (size_t i = 0; i < part_count && i < 4; i++) {
        slices[i].data = bdata(parts[i]);
        slices[i].len = blen(parts[i]);
    }
    OK(partcert_authority_pair(pairing, bdata(board), blen(board), slices, part_count, sequence,
                               event, at, &record, E));
    return record;
}

/* The evidence for a part certified by a line the pool does not hold. */
static partcert_part_evidence *evidence_chained(const partcert_bytes *part,
                                                const partcert_bytes *line_cert) {
    partcert_part_evidence *evidence = NULL;
    OK(partcert_part_evidence_new(bdata(part), blen(part), &evidence, E));
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(line_cert),
                                                    blen(line_cert), E));
    return evidence;
}

/* The consulted list of the authority `id` in a standing (NULL if none). */
static const partcert_list_checked *list_of(const partcert_blocklist_status *status,
                                            const uint8_t *id) {
    for (size_t i = 0; i < partcert_blocklist_status_list_count(status); i++) {
        const partcert_list_checked *list = partcert_blocklist_status_list(status, i);
        if (list != NULL && same_id(list->authority_key_id, id)) return list;
    }
    return NULL;
}

/* The first listing of a standing that matched as `kind` (NULL if none). */
static const partcert_listing *listing_of(const partcert_blocklist_status *status,
                                          partcert_matched_kind kind) {
    for (size_t i = 0; i < partcert_blocklist_status_listing_count(status); i++) {
        const partcert_listing *listing = partcert_blocklist_status_listing(status, i);
        if (listing != NULL && listing->matched_key_kind == kind) return listing;
    }
    return NULL;
}

/* Whether the 32-byte ids in `bytes` are exactly `id` (or none, for NULL). */
static int ids_are(const partcert_bytes *bytes, const uint8_t *id) {
    if (bytes == NULL) return 0;
    if (id == NULL) return blen(bytes) == 0;
    return blen(bytes) == PARTCERT_DIGEST_LEN && memcmp(bdata(bytes), id, 32) == 0;
}

/* The register's publisher key (epoch 1) is stolen. The thief signs the
 * top sequence of epoch 1, Alice's handset gone, dated 14 years ahead. The
 * register certifies a publisher for epoch 2 valid two years only (a
 * short-lived key is the sane reaction to a compromise) and publishes the
 * correction. Every device takes it — one that took the thief's list, one
 * that never saw it, a new one — with or without the revocation list of
 * the stolen key, and the thief's date decides nothing afterwards. */
static void a_thiefs_wipe_from_the_future_is_corrected_by_a_short_lived_publisher(void) {
    const uint64_t thief_at = NOW + 14 * 365 * DAY, fix_at = NOW + 2 * DAY;
    const uint64_t next_epoch = PUBLISHER_EPOCH + 1;
    const uint8_t *register_id = partcert_authority_key_id(w.register_root);
    partcert_blocklist_entries *empty = partcert_blocklist_entries_new();
    partcert_blocklist_entries *listed = partcert_blocklist_entries_new();
    partcert_bytes *thief = NULL, *correction = NULL, *revocation = NULL;
    partcert_authority *short_lived = NULL;
    partcert_part_evidence *stolen = evidence_for(&w, w.screen_a);
    partcert_trust_store *revoked = partcert_trust_store_clone(w.trust);
    partcert_blocklist *devices[4];
    const partcert_trust_store *trusts[4];
    partcert_verdict *verdict;
    const partcert_blocklist_status *status;
    const partcert_list_checked *list;
    partcert_list_version version = {0, 0};
    uint64_t since = S2_AT + DAY;

    OK(partcert_blocklist_entries_add_reported_handset(listed, bdata(w.record_a),
                                                       blen(w.record_a), PARTCERT_REASON_STOLEN,
                                                       STOLEN_AT, PARTCERT_LISTING_STATUS_FINAL,
                                                       E));
    OK(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, PARTCERT_MAX_SEQUENCE,
                                           thief_at, thief_at + LIST_LIFE, empty, &thief, E));

    /* A device takes the thief's list: validly signed, so accepted; but it
     * is dated after the device's clock, reads FUTURE_DATED, and raises the
     * register's clock by at most the tolerance. */
    devices[0] = blocklist_at_s2(&w);
    OK(partcert_blocklist_apply_snapshot(devices[0], w.trust, bdata(thief), blen(thief), NOW,
                                         &version, E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == PARTCERT_MAX_SEQUENCE);
    CHECK(partcert_blocklist_clock_for(devices[0], w.trust, register_id, NOW) ==
          NOW + PARTCERT_CLOCK_TOLERANCE);
    verdict = verify(&w, devices[0], stolen, NOW);
    status = partcert_verdict_blocklist(verdict);
    CHECK(!partcert_verdict_is_blocked(verdict));
    CHECK(partcert_blocklist_status_state(status) == PARTCERT_BLOCKLIST_STATE_STALE);
    list = list_of(status, register_id);
    CHECK(list != NULL && list->stale &&
          list->stale_reason == PARTCERT_STALE_REASON_FUTURE_DATED &&
          list->future_dated_issued_at == thief_at && list->outdated_by_issued_at == 0);
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (serial-only), unpaired, clean but blocklist stale "
               "(UK National Register: dated after this device's clock)");
    partcert_verdict_free(verdict);

    /* The correction, by a publisher valid two years: years before the
     * thief's date, at which it would read expired. */
    short_lived = make_publisher_valid(w.register_root, "UK register publisher (epoch 2)", 7,
                                       next_epoch, NOW, NOW + 2 * 365 * DAY);
    OK(partcert_authority_publish_snapshot(short_lived, next_epoch, 1, fix_at,
                                           fix_at + LIST_LIFE, listed, &correction, E));

    /* The same device with the stolen key revoked as well (since the day
     * after s2): the thief's list then reads "signer revoked". */
    OK(partcert_authority_revoke(w.register_root, 1, fix_at,
                                 partcert_authority_key_id(w.publisher), &since, 1, &revocation,
                                 E));
    OK(partcert_trust_store_apply_revocation_list_at(revoked, bdata(revocation),
                                                     blen(revocation), fix_at, NULL, E));
    devices[1] = blocklist_at_s2(&w);
    OK(partcert_blocklist_apply_snapshot(devices[1], w.trust, bdata(thief), blen(thief), NOW,
                                         NULL, E));
    verdict = verify(&w, devices[1], stolen, NOW);
    partcert_verdict_free(verdict);
    verdict = NULL;
    OK(partcert_verify_part(revoked, devices[1], NULL, 0, stolen, NOW, &verdict, E));
    list = list_of(partcert_verdict_blocklist(verdict), register_id);
    CHECK(list != NULL && list->stale_reason == PARTCERT_STALE_REASON_SIGNER_REVOKED);
    partcert_verdict_free(verdict);
    devices[2] = blocklist_at_s2(&w);   /* never saw the thief's list */
    devices[3] = partcert_blocklist_new(); /* a new device */
    trusts[0] = w.trust;
    trusts[1] = revoked;
    trusts[2] = w.trust;
    trusts[3] = w.trust;

    for (size_t d = 0; d < 4; d++) {
        version.epoch = version.sequence = 0;
        OK(partcert_blocklist_apply_snapshot(devices[d], trusts[d], bdata(correction),
                                             blen(correction), fix_at, &version, E));
        CHECK(version.epoch == next_epoch && version.sequence == 1);
        /* Blocked, current, and still so weeks later: the new epoch is not
         * read at the thief's date. */
        for (uint64_t at = fix_at; at <= fix_at + 20 * DAY; at += 20 * DAY) {
            verdict = NULL;
            OK(partcert_verify_part(trusts[d], devices[d], NULL, 0, stolen, at, &verdict, E));
            status = partcert_verdict_blocklist(verdict);
            CHECK(partcert_verdict_is_blocked(verdict));
            CHECK(!partcert_verdict_is_stale(verdict));
            list = list_of(status, register_id);
            CHECK(list != NULL && list->stale_reason == PARTCERT_STALE_REASON_NONE &&
                  list->version.epoch == next_epoch);
            partcert_verdict_free(verdict);
        }
        CHECK(partcert_blocklist_clock_for(devices[d], trusts[d], register_id, fix_at) ==
              fix_at);
        /* The thief's list is now old everywhere; where the stolen key is
         * revoked, it is refused outright. */
        CHECK_RC(partcert_blocklist_apply_snapshot(devices[d], trusts[d], bdata(thief),
                                                   blen(thief), fix_at, NULL, E),
                 trusts[d] == revoked ? PARTCERT_RESULT_ISSUER_REVOKED
                                      : PARTCERT_RESULT_ROLLBACK);
        partcert_blocklist_free(devices[d]);
    }

    partcert_authority_free(short_lived);
    partcert_bytes_free(thief);
    partcert_bytes_free(correction);
    partcert_bytes_free(revocation);
    partcert_blocklist_entries_free(empty);
    partcert_blocklist_entries_free(listed);
    partcert_part_evidence_free(stolen);
    partcert_trust_store_free(revoked);
}

/* A pinned operator (careless, or robbed of its key) signs a list dated
 * ten years ahead. It flags itself, and nobody else: the register's list
 * stays current for as long as the register keeps publishing. */
static void an_operators_list_from_the_future_flags_only_itself(void) {
    const uint64_t operator_at = NOW + 10 * 365 * DAY;
    partcert_trust_store *trust = partcert_trust_store_clone(w.trust);
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_blocklist_entries *none = partcert_blocklist_entries_new();
    partcert_authority *operator_root = NULL;
    partcert_bytes *operator_list = NULL;
    partcert_part_evidence *donor = evidence_for(&w, w.screen_d);
    const uint8_t *register_id = partcert_authority_key_id(w.register_root);
    uint8_t seed[PARTCERT_SEED_LEN], operator_id[32];
    partcert_slice cert;

    seed_of(seed, 61);
    OK(partcert_authority_new_blocklist_root(seed, "Operator", 8, T0, YEARS(30), &operator_root,
                                             E));
    cert = partcert_authority_certificate(operator_root);
    OK(partcert_trust_store_add_blocklist_root(trust, cert.data, cert.len, operator_id, E));
    OK(partcert_authority_publish_snapshot(operator_root, 0, 1, operator_at,
                                           operator_at + LIST_LIFE, none, &operator_list, E));
    OK(partcert_blocklist_apply_snapshot(blocklist, trust, bdata(operator_list),
                                         blen(operator_list), NOW, NULL, E));
    /* Now, and days later while the register's list is still fresh. */
    for (uint64_t at = NOW; at <= NOW + 20 * DAY; at += 20 * DAY) {
        partcert_verdict *verdict = NULL;
        const partcert_blocklist_status *status;
        const partcert_list_checked *mine, *theirs;
        OK(partcert_verify_part(trust, blocklist, NULL, 0, donor, at, &verdict, E));
        status = partcert_verdict_blocklist(verdict);
        mine = list_of(status, register_id);
        theirs = list_of(status, operator_id);
        CHECK(mine != NULL && !mine->stale && mine->stale_reason == PARTCERT_STALE_REASON_NONE);
        CHECK(mine != NULL && mine->outdated_by_name.len == 0);
        CHECK(theirs != NULL && theirs->stale_reason == PARTCERT_STALE_REASON_FUTURE_DATED &&
              theirs->future_dated_issued_at == operator_at);
        CHECK_PSTR(partcert_blocklist_status_summary(status),
                   "clean but blocklist stale (Operator: dated after this device's clock)");
        CHECK(partcert_blocklist_clock_for(blocklist, trust, register_id, at) == at);
        partcert_verdict_free(verdict);
    }
    partcert_part_evidence_free(donor);
    partcert_bytes_free(operator_list);
    partcert_authority_free(operator_root);
    partcert_blocklist_entries_free(none);
    partcert_blocklist_free(blocklist);
    partcert_trust_store_free(trust);
}

/* Acme's root signs a revocation list dated 25 years after T0, when Acme
 * line 3's certificate has long ended. Received with the device's clock
 * (apply_revocation_list_at), it raises Acme's clock by at most the
 * tolerance: the donor screen shown bare stays genuine, and the register's
 * list, an hour from expiry, is read at the caller's clock — clean, not
 * expired. Without a receiving clock (the deprecated call) it raises no
 * floor at all. */
static void a_makers_revocation_list_from_the_future_expires_nothing(void) {
    const uint64_t late = S2_AT + LIST_LIFE - 3600; /* the register's list expires in an hour */
    const uint8_t *acme_id = partcert_authority_key_id(w.root);
    partcert_trust_store *trust = partcert_trust_store_clone(w.trust);
    partcert_trust_store *without_clock = partcert_trust_store_clone(w.trust);
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *bare = evidence_for(&w, w.screen_d);
    partcert_part_evidence *paired = evidence_for(&w, w.screen_d);
    partcert_bytes *future = NULL;
    partcert_verdict *verdict = NULL;
    uint64_t sequence = 0;

    OK(partcert_part_evidence_set_pairing_record(paired, bdata(w.record_d), blen(w.record_d),
                                                 E));
    OK(partcert_authority_revoke(w.root, 1, YEARS(25), NULL, NULL, 0, &future, E));
    /* At the list's own date the bare screen's line has ended. */
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, bare, YEARS(25), &verdict, E),
               PARTCERT_RESULT_EXPIRED, "part issuer certificate");

    OK(partcert_trust_store_apply_revocation_list_at(trust, bdata(future), blen(future), late,
                                                     &sequence, E));
    CHECK(sequence == 1);
    CHECK(partcert_trust_store_clock_for_root(trust, acme_id, late) ==
          late + PARTCERT_CLOCK_TOLERANCE);
    CHECK(partcert_trust_store_clock_for_root(trust, acme_id, YEARS(2)) == YEARS(2));
    OK(partcert_verify_part(trust, blocklist, NULL, 0, bare, late, &verdict, E));
    CHECK_PSTR(partcert_verdict_summary(verdict), "genuine (serial-only), unpaired, clean");
    CHECK(partcert_verdict_checked_at(verdict) == late + PARTCERT_CLOCK_TOLERANCE);
    partcert_verdict_free(verdict);
    verdict = NULL;
    OK(partcert_verify_part(trust, blocklist, NULL, 0, paired, late, &verdict, E));
    CHECK_PSTR(partcert_verdict_summary(verdict), "genuine (serial-only), used, clean");
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_CLEAN);
    partcert_verdict_free(verdict);
    verdict = NULL;

    /* The deprecated call: the same list, no receiving clock, no floor. */
    OK(partcert_trust_store_apply_revocation_list(without_clock, bdata(future), blen(future),
                                                  &sequence, E));
    CHECK(partcert_trust_store_clock_for_root(without_clock, acme_id, T0) == T0);
    OK(partcert_verify_part(without_clock, blocklist, NULL, 0, bare, NOW, &verdict, E));
    CHECK(partcert_verdict_checked_at(verdict) == NOW);
    CHECK_PSTR(partcert_verdict_summary(verdict), "genuine (serial-only), unpaired, clean");
    partcert_verdict_free(verdict);

    partcert_bytes_free(future);
    partcert_part_evidence_free(bare);
    partcert_part_evidence_free(paired);
    partcert_blocklist_free(blocklist);
    partcert_trust_store_free(without_clock);
    partcert_trust_store_free(trust);
}

/* The refusal of a handset's self-check with `record`, blocked or not. */
static partcert_handset_report *self_check(const partcert_trust_store *trust,
                                           const partcert_blocklist *blocklist,
                                           const partcert_bytes *record, uint64_t modem_imei,
                                           const partcert_bytes *board,
                                           const partcert_bytes *screen) {
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report = NULL;
    OK(partcert_handset_evidence_new(bdata(record), blen(record), &handset, E));
    OK(partcert_handset_evidence_add_modem_imei(handset, modem_imei, E));
    OK(partcert_handset_evidence_add_part_certificate(handset, bdata(board), blen(board), E));
    if (screen != NULL)
        OK(partcert_handset_evidence_add_part_certificate(handset, bdata(screen), blen(screen),
                                                          E));
    CHECK(partcert_verify_handset(trust, blocklist, handset, NOW, &report, NULL) ==
          PARTCERT_RESULT_OK);
    partcert_handset_evidence_free(handset);
    return report;
}

/* Bolt, a contract maker whose root also names Acme, pairs a Bolt board
 * carrying handset A's IMEI with its own pairing service, and the thief
 * shows that record with Alice's stolen board. A device that does not pin
 * Bolt refuses the record (201) — but blocked wins: the handset and its
 * board read BLOCKED, the refusal readable beside them, borrowed from the
 * report or verdict. One that pins Bolt reads the record, which does not
 * list Alice's board (306): blocked all the same. A record of Acme's own
 * service dated after the device's clock is refused (300), blocked too.
 * A clean handset shown such a record is refused with that code.
 *
 * (A record by another maker's service naming Alice's own board, 307,
 * cannot be signed through the issuing API — partcert_authority_pair
 * refuses it — so the core's tests forge that one.) */
static void a_listed_board_with_a_rivals_record_stays_blocked(void) {
    const uint16_t boards[] = {PARTCERT_PART_KIND_BOARD};
    const uint64_t imei_a[] = {IMEI_A}, imei_d[] = {IMEI_D};
    partcert_authority *bolt_root = make_manufacturer_root("Bolt root", "Acme", 70);
    partcert_bytes *bolt_line_cert = NULL, *bolt_pairing_cert = NULL;
    partcert_authority *bolt_line =
        make_line(bolt_root, "Bolt line", 71, boards, 1, "Acme", 2, &bolt_line_cert);
    partcert_authority *bolt_pairing =
        make_pairing_service(bolt_root, "Bolt pairing", 72, 3, &bolt_pairing_cert);
    partcert_bytes *bolt_board_a = make_part(bolt_line, PARTCERT_PART_KIND_BOARD, "BRD-A",
                                             imei_a, 1, NULL, 1);
    partcert_bytes *bolt_board_d = make_part(bolt_line, PARTCERT_PART_KIND_BOARD, "BRD-D",
                                             imei_d, 1, NULL, 2);
    partcert_bytes *rival_a = pair_at(bolt_pairing, bolt_board_a, NULL, 0, 2,
                                      PARTCERT_PAIRING_EVENT_REPAIR, T0 + DAY);
    partcert_bytes *rival_d = pair_at(bolt_pairing, bolt_board_d, NULL, 0, 2,
                                      PARTCERT_PAIRING_EVENT_REPAIR, T0 + DAY);
    const partcert_bytes *parts_a[] = {w.screen_a, w.battery_a};
    partcert_bytes *from_the_future = pair_at(w.pairing, w.board_a, parts_a, 2, 2,
                                              PARTCERT_PAIRING_EVENT_REPAIR, NOW + 30 * DAY);
    partcert_trust_store *pins_bolt = partcert_trust_store_clone(w.trust);
    partcert_slice bolt_cert = partcert_authority_certificate(bolt_root);
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *board = evidence_for(&w, w.board_a);
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report;
    partcert_verdict *verdict = NULL;
    const partcert_error *refused;
    partcert_imeis imeis;

    OK(partcert_trust_store_add_manufacturer_root(pins_bolt, bolt_cert.data, bolt_cert.len, NULL,
                                                  E));
    /* Alice's handset, its self-check shown the rival's record. */
    report = self_check(w.trust, blocklist, rival_a, IMEI_A, w.board_a, w.screen_a);
    CHECK(partcert_handset_report_is_blocked(report));
    CHECK(partcert_blocklist_status_state(partcert_handset_report_blocklist(report)) ==
          PARTCERT_BLOCKLIST_STATE_BLOCKED);
    refused = partcert_handset_report_pairing_refused(report);
    CHECK(refused != NULL);
    CHECK(partcert_error_code(refused) == PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK_CONTAINS(partcert_error_message(refused).data, "unknown issuer");
    CHECK(partcert_handset_report_pairing_refused(report) == refused); /* borrowed, kept */
    /* The handset is known by what its fitted board's certificate says;
     * a refused record lists nothing, so nothing is missing. */
    imeis = partcert_handset_report_imeis(report);
    CHECK(imeis.len == 1 && imeis.data[0] == IMEI_A);
    CHECK(partcert_handset_report_missing_count(report) == 0);
    CHECK(partcert_handset_report_part_count(report) == 2);
    for (size_t i = 0; i < partcert_handset_report_part_count(report); i++) {
        const partcert_fitted_part *part = partcert_handset_report_part(report, i);
        CHECK(part != NULL && !part->listed_in_record && part->outcome == PARTCERT_RESULT_OK);
        CHECK(part != NULL && partcert_verdict_is_blocked(part->verdict));
    }
    CHECK(!partcert_handset_report_all_original(report));
    CHECK_CONTAINS(partcert_handset_report_json(report).data,
                   "\"pairing_refused\":{\"code\":201,\"name\":\"UnknownIssuer\"");
    partcert_handset_report_free(report);

    /* The board alone, with the same record: blocked, the refusal beside. */
    OK(partcert_part_evidence_set_pairing_record(board, bdata(rival_a), blen(rival_a), E));
    verdict = verify(&w, blocklist, board, NOW);
    CHECK(partcert_verdict_is_blocked(verdict));
    CHECK(partcert_error_code(partcert_verdict_pairing_refused(verdict)) ==
          PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK(partcert_verdict_relation(verdict) == PARTCERT_RELATION_UNPAIRED);
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (serial-only), unpaired, BLOCKED: stolen, its pairing record was refused");
    partcert_verdict_free(verdict);
    verdict = NULL;
    /* Where Bolt is pinned the record is read, and does not list the board. */
    OK(partcert_verify_part(pins_bolt, blocklist, NULL, 0, board, NOW, &verdict, E));
    CHECK(partcert_verdict_is_blocked(verdict));
    refused = partcert_verdict_pairing_refused(verdict);
    CHECK(partcert_error_code(refused) == PARTCERT_RESULT_PART_NOT_IN_PAIRING_RECORD);
    CHECK_CONTAINS(partcert_error_message(refused).data, "does not list this part");
    partcert_verdict_free(verdict);
    verdict = NULL;
    /* Acme's own service, dated a month after this device's clock. */
    report = self_check(w.trust, blocklist, from_the_future, IMEI_A, w.board_a, NULL);
    CHECK(partcert_handset_report_is_blocked(report));
    refused = partcert_handset_report_pairing_refused(report);
    CHECK(partcert_error_code(refused) == PARTCERT_RESULT_NOT_YET_VALID);
    CHECK_CONTAINS(partcert_error_message(refused).data, "dated after this device's clock");
    partcert_handset_report_free(report);

    /* The clean donor shown a rival's record: the refusal is the error. */
    OK(partcert_handset_evidence_new(bdata(rival_d), blen(rival_d), &handset, E));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_D, E));
    OK(partcert_handset_evidence_add_part_certificate(handset, bdata(w.board_d),
                                                      blen(w.board_d), E));
    report = NULL;
    CHECK_FAIL(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report, E),
               PARTCERT_RESULT_UNKNOWN_ISSUER, "unknown issuer");
    CHECK(report == NULL);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(board);
    board = evidence_for(&w, w.board_d);
    OK(partcert_part_evidence_set_pairing_record(board, bdata(rival_d), blen(rival_d), E));
    CHECK_RC(partcert_verify_part(pins_bolt, blocklist, NULL, 0, board, NOW, &verdict, E),
             PARTCERT_RESULT_PART_NOT_IN_PAIRING_RECORD);
    CHECK(verdict == NULL);

    partcert_part_evidence_free(board);
    partcert_blocklist_free(blocklist);
    partcert_trust_store_free(pins_bolt);
    partcert_bytes_free(rival_a);
    partcert_bytes_free(rival_d);
    partcert_bytes_free(from_the_future);
    partcert_bytes_free(bolt_board_a);
    partcert_bytes_free(bolt_board_d);
    partcert_bytes_free(bolt_line_cert);
    partcert_bytes_free(bolt_pairing_cert);
    partcert_authority_free(bolt_pairing);
    partcert_authority_free(bolt_line);
    partcert_authority_free(bolt_root);
}

/* Handset E has a keyed rear camera. Reported stolen, its record lists the
 * camera by identity and by key. The thief re-certifies the harvested
 * camera, same key, new serial, under another pinned root that also names
 * Acme: it still answers with its key, and reads blocked by it. A registry
 * may also list one part's key alone. */
static void a_harvested_keyed_camera_reads_blocked_by_its_key(void) {
    const uint16_t kinds[] = {PARTCERT_PART_KIND_BOARD, PARTCERT_PART_KIND_REAR_CAMERA};
    const uint16_t cameras[] = {PARTCERT_PART_KIND_REAR_CAMERA};
    const uint64_t imei_e[] = {imei_of(35693803564381ULL)};
    static const uint8_t zeros[32];
    uint8_t camera_key[PARTCERT_PUBLIC_KEY_LEN], camera_key_id[32], seed[PARTCERT_SEED_LEN],
        nonce[PARTCERT_NONCE_LEN];
    partcert_bytes *camera_line_cert = NULL, *refurb_line_cert = NULL, *snapshot = NULL,
                   *key_only = NULL, *response = NULL;
    partcert_authority *camera_line =
        make_line(w.root, "Acme camera line", 73, kinds, 2, "Acme", 5, &camera_line_cert);
    partcert_authority *refurb_root = make_manufacturer_root("Refurb root", "Acme", 75);
    partcert_authority *refurb_line =
        make_line(refurb_root, "Refurb line", 76, cameras, 1, "Acme", 2, &refurb_line_cert);
    partcert_bytes *board_e, *camera, *recertified, *record_e;
    partcert_slice refurb_cert = partcert_authority_certificate(refurb_root);
    partcert_trust_store *trust = partcert_trust_store_clone(w.trust);
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_blocklist_entries *keys = partcert_blocklist_entries_new();
    partcert_blocklist *blocklist = partcert_blocklist_new();
    partcert_part_evidence *evidence;
    partcert_verdict *verdict;
    const partcert_blocklist_status *status;
    const partcert_listing *listing;

    key_of(74, camera_key);
    OK(partcert_public_key_id(camera_key, camera_key_id, E));
    board_e = make_part(camera_line, PARTCERT_PART_KIND_BOARD, "BRD-E", imei_e, 1, NULL, 30);
    camera = make_part(camera_line, PARTCERT_PART_KIND_REAR_CAMERA, "CAM-E", NULL, 0, camera_key,
                       31);
    {
        const partcert_bytes *parts[] = {camera};
        record_e = pair_at(w.pairing, board_e, parts, 1, 1, PARTCERT_PAIRING_EVENT_FACTORY_BUILD,
                           T0 + 100);
    }
    recertified = make_part(refurb_line, PARTCERT_PART_KIND_REAR_CAMERA, "CAM-E2", NULL, 0,
                            camera_key, 1);
    OK(partcert_trust_store_add_manufacturer_root(trust, refurb_cert.data, refurb_cert.len, NULL,
                                                  E));

    /* Reported: the IMEI, the board, the camera, and the camera's key. */
    OK(partcert_blocklist_entries_add_reported_handset(entries, bdata(record_e), blen(record_e),
                                                       PARTCERT_REASON_STOLEN, STOLEN_AT,
                                                       PARTCERT_LISTING_STATUS_FINAL, E));
    CHECK(partcert_blocklist_entries_count(entries) == 4);
    OK(partcert_authority_publish_snapshot(w.register_root, 7, 1, S2_AT, S2_AT + LIST_LIFE,
                                           entries, &snapshot, E));
    OK(partcert_blocklist_apply_snapshot(blocklist, trust, bdata(snapshot), blen(snapshot), NOW,
                                         NULL, E));

    /* The re-certified camera, proving its key: blocked by that key. */
    evidence = evidence_chained(recertified, refurb_line_cert);
    OK(partcert_challenge_generate(nonce, E));
    seed_of(seed, 74);
    OK(partcert_challenge_respond(seed, nonce, bdata(recertified), blen(recertified), &response,
                                  E));
    OK(partcert_part_evidence_set_challenge(evidence, nonce, bdata(response), blen(response),
                                            E));
    verdict = NULL;
    OK(partcert_verify_part(trust, blocklist, NULL, 0, evidence, NOW, &verdict, E));
    CHECK(partcert_verdict_binding(verdict) == PARTCERT_BINDING_KEY_PROVEN);
    CHECK_PSTR(partcert_verdict_root_name(verdict), "Refurb root");
    CHECK_PSTR(partcert_verdict_summary(verdict), "genuine (key-proven), unpaired, BLOCKED: stolen");
    status = partcert_verdict_blocklist(verdict);
    CHECK(partcert_blocklist_status_listing_count(status) == 1);
    listing = partcert_blocklist_status_listing(status, 0);
    CHECK(listing != NULL);
    if (listing != NULL) {
        CHECK(listing->matched_key_kind == PARTCERT_MATCHED_KIND_PART_KEY);
        CHECK(same_id(listing->matched_key_id, camera_key_id));
        CHECK(!listing->by_fingerprint);
        CHECK_PSTR(listing->matched_fingerprint, "");
        /* What a 1.2 caller reads: a part, but not its identity. */
        CHECK(listing->matched_kind == PARTCERT_BLOCK_KEY_KIND_PART);
        CHECK(memcmp(listing->matched_part_id, zeros, 32) == 0);
        CHECK(listing->matched_imei == 0);
        CHECK(listing->has_handset && listing->handset_imei == imei_e[0]);
    }
    CHECK_CONTAINS(partcert_verdict_json(verdict).data, "\"part-key\":\"");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);

    /* The camera as made: listed by identity and by key. */
    evidence = evidence_chained(camera, camera_line_cert);
    verdict = NULL;
    OK(partcert_verify_part(trust, blocklist, NULL, 0, evidence, NOW, &verdict, E));
    status = partcert_verdict_blocklist(verdict);
    CHECK(partcert_blocklist_status_listing_count(status) == 2);
    listing = listing_of(status, PARTCERT_MATCHED_KIND_PART);
    CHECK(listing != NULL && same_id(listing->matched_part_id, partcert_verdict_part_id(verdict)));
    CHECK(listing != NULL && memcmp(listing->matched_key_id, zeros, 32) == 0);
    listing = listing_of(status, PARTCERT_MATCHED_KIND_PART_KEY);
    CHECK(listing != NULL && same_id(listing->matched_key_id, camera_key_id));
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);

    /* Handset E's self-check with its camera gone: the missing camera is
     * named with its key and the time it was first paired. */
    {
        partcert_handset_evidence *handset = NULL;
        partcert_handset_report *report = NULL;
        const partcert_paired_part *missing;
        OK(partcert_handset_evidence_new(bdata(record_e), blen(record_e), &handset, E));
        OK(partcert_handset_evidence_add_modem_imei(handset, imei_e[0], E));
        evidence = evidence_chained(board_e, camera_line_cert);
        OK(partcert_handset_evidence_add_part(handset, evidence, E));
        OK(partcert_verify_handset(trust, NULL, handset, NOW, &report, E));
        CHECK(partcert_handset_report_missing_count(report) == 1);
        missing = partcert_handset_report_missing(report, 0);
        CHECK(missing != NULL);
        if (missing != NULL) {
            CHECK(missing->kind == PARTCERT_PART_KIND_REAR_CAMERA);
            CHECK(missing->has_key);
            CHECK(same_id(missing->key_id, camera_key_id));
            CHECK(missing->first_paired == T0 + 100);
        }
        partcert_handset_report_free(report);
        partcert_handset_evidence_free(handset);
        partcert_part_evidence_free(evidence);
    }

    /* A registry listing the key alone (no handset known). */
    partcert_blocklist_free(blocklist);
    blocklist = partcert_blocklist_new();
    OK(partcert_blocklist_entries_add_part_key(keys, camera_key_id, PARTCERT_REASON_FRAUD,
                                               STOLEN_AT, PARTCERT_LISTING_STATUS_SUSPENDED, NULL,
                                               E));
    CHECK(partcert_blocklist_entries_count(keys) == 1);
    OK(partcert_authority_publish_snapshot(w.register_root, 7, 1, S2_AT, S2_AT + LIST_LIFE, keys,
                                           &key_only, E));
    OK(partcert_blocklist_apply_snapshot(blocklist, trust, bdata(key_only), blen(key_only), NOW,
                                         NULL, E));
    evidence = evidence_chained(recertified, refurb_line_cert);
    verdict = NULL;
    OK(partcert_verify_part(trust, blocklist, NULL, 0, evidence, NOW, &verdict, E));
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (key not challenged), unpaired, BLOCKED: fraud (suspended)");
    listing = partcert_blocklist_status_listing(partcert_verdict_blocklist(verdict), 0);
    CHECK(listing != NULL && listing->matched_key_kind == PARTCERT_MATCHED_KIND_PART_KEY &&
          !listing->has_handset && listing->status == PARTCERT_LISTING_STATUS_SUSPENDED);
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);

    partcert_blocklist_free(blocklist);
    partcert_blocklist_entries_free(entries);
    partcert_blocklist_entries_free(keys);
    partcert_trust_store_free(trust);
    partcert_bytes_free(board_e);
    partcert_bytes_free(camera);
    partcert_bytes_free(recertified);
    partcert_bytes_free(record_e);
    partcert_bytes_free(snapshot);
    partcert_bytes_free(key_only);
    partcert_bytes_free(response);
    partcert_bytes_free(camera_line_cert);
    partcert_bytes_free(refurb_line_cert);
    partcert_authority_free(camera_line);
    partcert_authority_free(refurb_line);
    partcert_authority_free(refurb_root);
}

/* The hex digit `i` of a 32-byte digest. */
static unsigned nibble(const uint8_t *digest, size_t i) {
    return i % 2 == 0 ? digest[i / 2] >> 4 : digest[i / 2] & 0x0f;
}

/* Whether `text` is "HEX/WIDTH" for the first WIDTH bits of `digest`. */
static int is_fingerprint_of(const char *text, const uint8_t *digest) {
    const char *slash = strchr(text, '/');
    size_t digits = slash != NULL ? (size_t)(slash - text) : 0;
    unsigned long width = slash != NULL ? strtoul(slash + 1, NULL, 10) : 0;
    if (width == 0 || width > 128 || digits != (width + 3) / 4) return 0;
    for (size_t i = 0; i < digits; i++) {
        unsigned want = nibble(digest, i), got;
        char digit[2] = {text[i], 0};
        if (i == digits - 1 && width % 4 != 0) want &= 0xfu << (4 - width % 4) & 0xfu;
        got = (unsigned)strtoul(digit, NULL, 16);
        if (strchr("0123456789abcdef", text[i]) == NULL || got != want) return 0;
    }
    return 1;
}

/* The register's list at national scale keeps the first bits of each
 * listed part's digest. A hit there is reported as what it is: the
 * fingerprint, "by fingerprint" — never as the part's own identity. */
static void a_fingerprint_hit_reads_as_one(void) {
    static const uint8_t zeros[32];
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_bytes *compact = NULL;
    partcert_blocklist *device = partcert_blocklist_new();
    partcert_part_evidence *screen = evidence_for(&w, w.screen_a);
    partcert_part_evidence *board = evidence_for(&w, w.board_a);
    partcert_verdict *verdict;
    const partcert_blocklist_status *status;
    const partcert_listing *listing;

    OK(partcert_blocklist_entries_add_reported_handset(entries, bdata(w.record_a),
                                                       blen(w.record_a), PARTCERT_REASON_STOLEN,
                                                       STOLEN_AT, PARTCERT_LISTING_STATUS_FINAL,
                                                       E));
    OK(partcert_authority_publish_compact_snapshot(w.publisher, PUBLISHER_EPOCH, 1, S1_AT,
                                                   S1_AT + LIST_LIFE, entries, &compact, E));
    OK(partcert_blocklist_apply(device, w.trust, bdata(compact), blen(compact), S1_AT, NULL, E));

    verdict = verify(&w, device, screen, S1_AT + DAY);
    status = partcert_verdict_blocklist(verdict);
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (serial-only), unpaired, BLOCKED: stolen (by fingerprint)");
    CHECK(partcert_blocklist_status_listing_count(status) == 1);
    listing = partcert_blocklist_status_listing(status, 0);
    CHECK(listing != NULL);
    if (listing != NULL) {
        CHECK(listing->matched_key_kind == PARTCERT_MATCHED_KIND_PART_FINGERPRINT);
        CHECK(listing->by_fingerprint);
        CHECK(strlen(listing->matched_fingerprint.data) == listing->matched_fingerprint.len);
        CHECK(is_fingerprint_of(listing->matched_fingerprint.data,
                                partcert_verdict_part_id(verdict)));
        CHECK(memcmp(listing->matched_key_id, zeros, 32) == 0);
        /* What a 1.2 caller reads: a part, but not a claim of its identity. */
        CHECK(listing->matched_kind == PARTCERT_BLOCK_KEY_KIND_PART);
        CHECK(memcmp(listing->matched_part_id, zeros, 32) == 0);
        CHECK(listing->has_handset && listing->handset_imei == IMEI_A);
    }
    CHECK_CONTAINS(partcert_verdict_json(verdict).data, "\"part-fingerprint\":\"");
    partcert_verdict_free(verdict);

    /* The board: its IMEI is listed exactly, its identity by fingerprint. */
    verdict = verify(&w, device, board, S1_AT + DAY);
    status = partcert_verdict_blocklist(verdict);
    CHECK(partcert_blocklist_status_listing_count(status) == 2);
    listing = listing_of(status, PARTCERT_MATCHED_KIND_IMEI);
    CHECK(listing != NULL && listing->matched_imei == IMEI_A && !listing->by_fingerprint &&
          listing->matched_kind == PARTCERT_BLOCK_KEY_KIND_IMEI &&
          listing->matched_fingerprint.len == 0);
    listing = listing_of(status, PARTCERT_MATCHED_KIND_PART_FINGERPRINT);
    CHECK(listing != NULL && listing->by_fingerprint);
    partcert_verdict_free(verdict);

    partcert_part_evidence_free(screen);
    partcert_part_evidence_free(board);
    partcert_blocklist_free(device);
    partcert_bytes_free(compact);
    partcert_blocklist_entries_free(entries);
}

/* A stolen board whose modem floods the check with IMEIs the register
 * lists: one lookup reports at most PARTCERT_MAX_LISTINGS listings, and
 * says the rest were not read. */
static void a_flood_of_listed_imeis_is_capped(void) {
    enum { FLOOD = PARTCERT_MAX_LISTINGS + 6 };
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_bytes *snapshot = NULL;
    partcert_blocklist *blocklist = partcert_blocklist_new();
    partcert_part_evidence *board = evidence_for(&w, w.board_a);
    partcert_part_evidence *screen = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict;
    const partcert_blocklist_status *status;

    OK(partcert_blocklist_entries_add_reported_handset(entries, bdata(w.record_a),
                                                       blen(w.record_a), PARTCERT_REASON_STOLEN,
                                                       STOLEN_AT, PARTCERT_LISTING_STATUS_FINAL,
                                                       E));
    for (uint64_t i = 0; i < FLOOD; i++) {
        uint64_t imei = imei_of(35000000001000ULL + i);
        OK(partcert_blocklist_entries_add_handset(entries, imei, PARTCERT_REASON_LOST, STOLEN_AT,
                                                  PARTCERT_LISTING_STATUS_FINAL, E));
        OK(partcert_part_evidence_add_presented_imei(board, imei, E));
    }
    OK(partcert_authority_publish_snapshot(w.register_root, 7, 1, S2_AT, S2_AT + LIST_LIFE,
                                           entries, &snapshot, E));
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(snapshot), blen(snapshot),
                                         NOW, NULL, E));
    verdict = verify(&w, blocklist, board, NOW);
    status = partcert_verdict_blocklist(verdict);
    CHECK(partcert_verdict_is_blocked(verdict));
    CHECK(partcert_blocklist_status_capped(status));
    CHECK(partcert_blocklist_status_listing_count(status) == PARTCERT_MAX_LISTINGS);
    CHECK(partcert_blocklist_status_listing(status, PARTCERT_MAX_LISTINGS - 1) != NULL);
    CHECK(partcert_blocklist_status_listing(status, PARTCERT_MAX_LISTINGS) == NULL);
    CHECK(partcert_verdict_mismatched_imeis(verdict).len == FLOOD);
    CHECK_CONTAINS(partcert_verdict_json(verdict).data, "\"capped\":true");
    partcert_verdict_free(verdict);
    /* An ordinary hit is not capped. */
    verdict = verify(&w, blocklist, screen, NOW);
    CHECK(partcert_verdict_is_blocked(verdict));
    CHECK(!partcert_blocklist_status_capped(partcert_verdict_blocklist(verdict)));
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(board);
    partcert_part_evidence_free(screen);
    partcert_blocklist_free(blocklist);
    partcert_bytes_free(snapshot);
    partcert_blocklist_entries_free(entries);
}

/* A device follows the register and a rogue operator. The operator's root
 * is unpinned: a state saved before loads with the operator dropped (and
 * said so), marks restored from before are unfollowed by what is still
 * pinned, and a blocklist (or a holder's) unfollows the operator by id.
 * Its missing list then no longer makes every verdict stale. */
static void a_device_unfollows_a_rogue_operator(void) {
    partcert_trust_store *with_operator = partcert_trust_store_clone(w.trust);
    partcert_authority *operator_root = NULL;
    partcert_blocklist_entries *none = partcert_blocklist_entries_new();
    partcert_bytes *operator_list = NULL, *saved = NULL, *marks = NULL, *dropped = NULL;
    partcert_blocklist *device = blocklist_at_s2(&w), *loaded = NULL, *restarted = NULL;
    partcert_blocklist *shared;
    partcert_blocklist_holder *holder = NULL;
    partcert_part_evidence *donor = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict;
    uint8_t seed[PARTCERT_SEED_LEN], operator_id[32];
    const uint8_t *register_id = partcert_authority_key_id(w.register_root);
    partcert_slice cert;
    bool was_followed = false;

    seed_of(seed, 77);
    OK(partcert_authority_new_blocklist_root(seed, "Rogue operator", 14, T0, YEARS(30),
                                             &operator_root, E));
    cert = partcert_authority_certificate(operator_root);
    OK(partcert_trust_store_add_blocklist_root(with_operator, cert.data, cert.len, operator_id,
                                               E));
    OK(partcert_authority_publish_snapshot(operator_root, 0, 1, S2_AT, S2_AT + LIST_LIFE, none,
                                           &operator_list, E));
    OK(partcert_blocklist_apply_snapshot(device, with_operator, bdata(operator_list),
                                         blen(operator_list), NOW, NULL, E));
    CHECK(partcert_blocklist_list_count(device) == 2);
    OK(partcert_blocklist_save_state(device, &saved, E));
    OK(partcert_blocklist_rollback_state(device, &marks, E));

    /* Restarted under roots that no longer pin the operator (w.trust). */
    OK(partcert_blocklist_load_state(w.trust, bdata(saved), blen(saved), &loaded, &dropped, E));
    CHECK(ids_are(dropped, operator_id));
    CHECK(partcert_blocklist_list_count(loaded) == 1);
    CHECK(same_id(partcert_blocklist_list(loaded, 0)->authority_key_id, register_id));
    verdict = verify(&w, loaded, donor, NOW);
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_CLEAN);
    partcert_verdict_free(verdict);
    /* The register's marks came through: its older list is still refused. */
    CHECK_RC(partcert_blocklist_apply_snapshot(loaded, w.trust, bdata(w.s1), blen(w.s1), NOW,
                                               NULL, E),
             PARTCERT_RESULT_ROLLBACK);
    partcert_blocklist_free(loaded);
    partcert_bytes_free(dropped);
    loaded = NULL;
    dropped = NULL;
    /* Loaded under the roots it was saved with, nothing is dropped; and the
     * report of what was dropped is optional. */
    OK(partcert_blocklist_load_state(with_operator, bdata(saved), blen(saved), &loaded, &dropped,
                                     E));
    CHECK(ids_are(dropped, NULL));
    CHECK(partcert_blocklist_list_count(loaded) == 2);
    partcert_blocklist_free(loaded);
    partcert_bytes_free(dropped);
    loaded = NULL;
    dropped = NULL;
    OK(partcert_blocklist_load_state(w.trust, bdata(saved), blen(saved), &loaded, NULL, E));
    CHECK(partcert_blocklist_list_count(loaded) == 1);
    partcert_blocklist_free(loaded);
    loaded = NULL;
    /* The 1.2 call drops it too, where it used to refuse the file (201). */
    OK(partcert_blocklist_new_from_saved_state(w.trust, bdata(saved), blen(saved), &loaded, E));
    CHECK(partcert_blocklist_list_count(loaded) == 1);
    partcert_blocklist_free(loaded);

    /* Restarted from the marks alone: both followed, both missing, until
     * the device unfollows what it no longer pins. */
    OK(partcert_blocklist_new_with_rollback_state(bdata(marks), blen(marks), &restarted, E));
    OK(partcert_blocklist_apply_snapshot(restarted, w.trust, bdata(w.s2), blen(w.s2), NOW, NULL,
                                         E));
    verdict = verify(&w, restarted, donor, NOW);
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_STALE);
    CHECK(list_of(partcert_verdict_blocklist(verdict), operator_id) != NULL &&
          list_of(partcert_verdict_blocklist(verdict), operator_id)->stale_reason ==
              PARTCERT_STALE_REASON_MISSING);
    partcert_verdict_free(verdict);
    OK(partcert_blocklist_unfollow_unpinned(restarted, w.trust, &dropped, E));
    CHECK(ids_are(dropped, operator_id));
    partcert_bytes_free(dropped);
    dropped = NULL;
    verdict = verify(&w, restarted, donor, NOW);
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_CLEAN);
    CHECK(partcert_blocklist_status_list_count(partcert_verdict_blocklist(verdict)) == 1);
    partcert_verdict_free(verdict);
    /* Nothing more to unfollow. */
    OK(partcert_blocklist_unfollow_unpinned(restarted, w.trust, &dropped, E));
    CHECK(ids_are(dropped, NULL));
    OK(partcert_blocklist_unfollow_unpinned(restarted, w.trust, NULL, E));
    partcert_bytes_free(dropped);
    dropped = NULL;

    /* Unfollowing by id: once followed, then not. */
    OK(partcert_blocklist_unfollow(device, operator_id, &was_followed, E));
    CHECK(was_followed);
    CHECK(partcert_blocklist_list_count(device) == 1);
    OK(partcert_blocklist_unfollow(device, operator_id, &was_followed, E));
    CHECK(!was_followed);
    OK(partcert_blocklist_unfollow(device, operator_id, NULL, E));
    verdict = verify(&w, device, donor, NOW);
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_CLEAN);
    partcert_verdict_free(verdict);
    /* A shared blocklist does not change (505), its readers' snapshot kept. */
    shared = partcert_blocklist_share(device);
    was_followed = false;
    CHECK_FAIL(partcert_blocklist_unfollow(device, register_id, &was_followed, E),
               PARTCERT_RESULT_SHARED_OBJECT, "`blocklist` is shared");
    CHECK_RC(partcert_blocklist_unfollow_unpinned(device, w.trust, &dropped, E),
             PARTCERT_RESULT_SHARED_OBJECT);
    CHECK(!was_followed && dropped == NULL);
    CHECK(partcert_blocklist_follows_any(shared));

    /* Through a holder: each unfollow published whole, in turn. */
    partcert_blocklist_free(restarted);
    OK(partcert_blocklist_new_with_rollback_state(bdata(marks), blen(marks), &restarted, E));
    OK(partcert_blocklist_holder_new(restarted, &holder, E));
    OK(partcert_blocklist_holder_unfollow_unpinned(holder, w.trust, &dropped, E));
    CHECK(ids_are(dropped, operator_id));
    OK(partcert_blocklist_holder_unfollow(holder, register_id, &was_followed, E));
    CHECK(was_followed);
    OK(partcert_blocklist_holder_unfollow(holder, register_id, &was_followed, E));
    CHECK(!was_followed);
    {
        partcert_blocklist *current = partcert_blocklist_holder_load(holder);
        CHECK(!partcert_blocklist_follows_any(current));
        CHECK(partcert_blocklist_follows_any(restarted)); /* the caller's own is untouched */
        partcert_blocklist_free(current);
    }

    partcert_blocklist_holder_free(holder);
    partcert_blocklist_free(restarted);
    partcert_blocklist_free(shared);
    partcert_blocklist_free(device);
    partcert_bytes_free(dropped);
    partcert_bytes_free(saved);
    partcert_bytes_free(marks);
    partcert_bytes_free(operator_list);
    partcert_blocklist_entries_free(none);
    partcert_authority_free(operator_root);
    partcert_part_evidence_free(donor);
    partcert_trust_store_free(with_operator);
}

/* Acme line 3's key leaks three days after the factory built handset D,
 * and Acme revokes it from then on. Weeks later D's screen is swapped for
 * one of Acme line 4. Signed with pair_after, the repair record carries
 * the time D's board was first paired: the board stays genuine ("made
 * before its line's key was revoked"), through a second repair too.
 * Signed with plain pair, the board would read as first paired at the
 * repair: after the leak, refused. */
static void a_repair_after_a_leak_keeps_the_board_genuine(void) {
    const uint16_t screens[] = {PARTCERT_PART_KIND_SCREEN};
    const uint64_t leak = T0 + 3 * DAY, repair_at = NOW, second_at = NOW + DAY;
    partcert_trust_store *trust = partcert_trust_store_clone(w.trust);
    partcert_bytes *revocation = NULL, *line4_cert = NULL, *repaired = NULL, *naive = NULL,
                   *again = NULL;
    partcert_authority *line4 = make_line(w.root, "Acme line 4", 78, screens, 1, "Acme", 6,
                                          &line4_cert);
    partcert_bytes *new_screen =
        make_part(line4, PARTCERT_PART_KIND_SCREEN, "SCR-N", NULL, 0, NULL, 40);
    partcert_slice earlier[] = {{bdata(w.record_d), blen(w.record_d)}};
    partcert_slice parts[] = {{bdata(new_screen), blen(new_screen)}};
    partcert_part_evidence *board = evidence_for(&w, w.board_d);
    partcert_verdict *verdict = NULL;
    const partcert_provenance *provenance;
    uint64_t since = 0;

    OK(partcert_authority_revoke(w.root, 1, T0 + 4 * DAY, partcert_authority_key_id(w.line),
                                 &leak, 1, &revocation, E));
    OK(partcert_trust_store_apply_revocation_list_at(trust, bdata(revocation), blen(revocation),
                                                     T0 + 4 * DAY, NULL, E));
    OK(partcert_trust_store_add_chain_certificate(trust, bdata(line4_cert), blen(line4_cert), E));

    OK(partcert_authority_pair_after(w.pairing, trust, earlier, 1, bdata(w.board_d),
                                     blen(w.board_d), parts, 1, 2, PARTCERT_PAIRING_EVENT_REPAIR,
                                     repair_at, &repaired, E));
    OK(partcert_authority_pair(w.pairing, bdata(w.board_d), blen(w.board_d), parts, 1, 2,
                               PARTCERT_PAIRING_EVENT_REPAIR, repair_at, &naive, E));

    OK(partcert_part_evidence_set_pairing_record(board, bdata(repaired), blen(repaired), E));
    OK(partcert_verify_part(trust, NULL, NULL, 0, board, NOW, &verdict, E));
    CHECK(partcert_verdict_issuer_revoked(verdict, &since));
    CHECK(since == leak);
    CHECK_CONTAINS(partcert_verdict_summary(verdict).data,
                   "made before its line's key was revoked");
    provenance = partcert_verdict_provenance(verdict);
    CHECK(provenance != NULL);
    if (provenance != NULL) {
        CHECK(provenance->first_paired == T0 + 100);
        CHECK(provenance->paired_at == repair_at);
        CHECK(provenance->pairing_sequence == 2);
        CHECK(provenance->event == PARTCERT_PAIRING_EVENT_REPAIR);
    }
    partcert_verdict_free(verdict);
    verdict = NULL;
    /* The new screen was first paired at the repair. */
    {
        partcert_part_evidence *screen = evidence_for(&w, new_screen);
        OK(partcert_part_evidence_set_pairing_record(screen, bdata(repaired), blen(repaired), E));
        OK(partcert_verify_part(trust, NULL, NULL, 0, screen, NOW, &verdict, E));
        CHECK(!partcert_verdict_issuer_revoked(verdict, NULL));
        CHECK(partcert_verdict_provenance(verdict) != NULL &&
              partcert_verdict_provenance(verdict)->first_paired == repair_at);
        partcert_verdict_free(verdict);
        verdict = NULL;
        partcert_part_evidence_free(screen);
    }
    /* A second repair, from the first repair's record: the past survives. */
    earlier[0].data = bdata(repaired);
    earlier[0].len = blen(repaired);
    OK(partcert_authority_pair_after(w.pairing, trust, earlier, 1, bdata(w.board_d),
                                     blen(w.board_d), parts, 1, 3, PARTCERT_PAIRING_EVENT_REPAIR,
                                     second_at, &again, E));
    OK(partcert_part_evidence_set_pairing_record(board, bdata(again), blen(again), E));
    OK(partcert_verify_part(trust, NULL, NULL, 0, board, second_at, &verdict, E));
    CHECK(partcert_verdict_issuer_revoked(verdict, NULL));
    CHECK(partcert_verdict_provenance(verdict) != NULL &&
          partcert_verdict_provenance(verdict)->first_paired == T0 + 100);
    partcert_verdict_free(verdict);
    verdict = NULL;
    /* Without the earlier record the board's past is gone: refused. */
    OK(partcert_part_evidence_set_pairing_record(board, bdata(naive), blen(naive), E));
    CHECK_FAIL(partcert_verify_part(trust, NULL, NULL, 0, board, NOW, &verdict, E),
               PARTCERT_RESULT_ISSUER_REVOKED, "has been revoked by its");
    CHECK(verdict == NULL);

    partcert_part_evidence_free(board);
    partcert_bytes_free(revocation);
    partcert_bytes_free(line4_cert);
    partcert_bytes_free(new_screen);
    partcert_bytes_free(repaired);
    partcert_bytes_free(naive);
    partcert_bytes_free(again);
    partcert_authority_free(line4);
    partcert_trust_store_free(trust);
}

/* Acme retires its line 1 ten days after T0: the line's certificate ends,
 * and nothing is renewed. A screen it made and Acme's service paired at
 * the factory stays genuine after the retirement ("made before its line
 * retired"); shown without that record it reads expired. */
static void a_part_of_a_retired_line_lives_on(void) {
    const uint16_t screens[] = {PARTCERT_PART_KIND_SCREEN};
    const uint64_t retired_at = T0 + 10 * DAY;
    uint8_t key[PARTCERT_PUBLIC_KEY_LEN];
    partcert_str makers[] = {str_of("Acme")};
    partcert_bytes *line_cert = NULL, *screen, *record;
    partcert_authority *line;
    partcert_part_evidence *evidence;
    partcert_verdict *verdict = NULL;
    uint64_t at = 0, since = 7;

    key_of(79, key);
    OK(partcert_authority_certify_part_issuer(w.root, "Acme line 1", 11, key, screens, 1, makers,
                                              1, 8, T0, retired_at, &line_cert, E));
    line = load_authority(79, line_cert);
    screen = make_part(line, PARTCERT_PART_KIND_SCREEN, "SCR-R", NULL, 0, NULL, 50);
    {
        const partcert_bytes *parts[] = {screen};
        record = pair_at(w.pairing, w.board_d, parts, 1, 1, PARTCERT_PAIRING_EVENT_FACTORY_BUILD,
                         T0 + 100);
    }
    evidence = evidence_chained(screen, line_cert);
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict, E),
               PARTCERT_RESULT_EXPIRED, "part issuer certificate");
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(record), blen(record), E));
    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict, E));
    CHECK(partcert_verdict_issuer_retired(verdict, &at));
    CHECK(at == retired_at);
    CHECK(partcert_verdict_issuer_retired(verdict, NULL)); /* `at_out` is optional */
    CHECK(!partcert_verdict_issuer_revoked(verdict, &since) && since == 7);
    CHECK_CONTAINS(partcert_verdict_summary(verdict).data, "made before its line retired");
    partcert_verdict_free(verdict);

    partcert_part_evidence_free(evidence);
    partcert_bytes_free(record);
    partcert_bytes_free(screen);
    partcert_bytes_free(line_cert);
    partcert_authority_free(line);
}

int main(void) {
    world_build(&w);
    RUN(a_thiefs_wipe_from_the_future_is_corrected_by_a_short_lived_publisher);
    RUN(an_operators_list_from_the_future_flags_only_itself);
    RUN(a_makers_revocation_list_from_the_future_expires_nothing);
    RUN(a_listed_board_with_a_rivals_record_stays_blocked);
    RUN(a_harvested_keyed_camera_reads_blocked_by_its_key);
    RUN(a_fingerprint_hit_reads_as_one);
    RUN(a_flood_of_listed_imeis_is_capped);
    RUN(a_device_unfollows_a_rogue_operator);
    RUN(a_repair_after_a_leak_keeps_the_board_genuine);
    RUN(a_part_of_a_retired_line_lives_on);
    world_free(&w);
    return h_finish("test_trust_rules_ii");
}

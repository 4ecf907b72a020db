/* The London story, told through the C ABI: a handset built and paired at
 * the factory, reported stolen, its screen harvested and offered to a
 * repair shop → BLOCKED; a clean donor screen → genuine, used, clean; a
 * counterfeit → untrusted; a keyed battery proving its key; the handset's
 * boot self-check (a replaced part reported as not in the handset's
 * record); an attempted blocklist rollback → refused, even after a
 * restart; a list withheld after a restart → stale (missing); a stolen
 * delegated blocklist key → superseded by its root in the next epoch; a
 * rewritten IMEI on a listed board → still blocked. Every verdict field is
 * read, every failure's detailed message checked. */
#include "world.h"

static world w;

static void check_blocked_listing(const partcert_blocklist_status *status,
                                  const uint8_t part_id[32]) {
    const partcert_listing *listing;
    const partcert_list_checked *list;
    static const uint8_t zeros[32];
    CHECK(partcert_blocklist_status_state(status) == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    CHECK(!partcert_blocklist_status_is_stale(status));
    CHECK(partcert_blocklist_status_listing_count(status) == 1);
    listing = partcert_blocklist_status_listing(status, 0);
    CHECK(listing != NULL);
    if (listing == NULL) return;
    CHECK(partcert_blocklist_status_listing(status, 1) == NULL);
    CHECK(listing->matched_kind == PARTCERT_BLOCK_KEY_KIND_PART);
    CHECK(memcmp(listing->matched_part_id, part_id, 32) == 0);
    CHECK(listing->matched_imei == 0);
    /* The same, as 1.3 says it: the part's identity, exactly. */
    CHECK(listing->matched_key_kind == PARTCERT_MATCHED_KIND_PART);
    CHECK(memcmp(listing->matched_key_id, zeros, 32) == 0);
    CHECK_PSTR(listing->matched_fingerprint, "");
    CHECK(!listing->by_fingerprint);
    CHECK(!partcert_blocklist_status_capped(status));
    CHECK(listing->version.epoch == PUBLISHER_EPOCH);
    CHECK(listing->version.sequence == 2);
    CHECK(listing->reason == PARTCERT_REASON_STOLEN);
    CHECK(listing->listed_at == STOLEN_AT);
    CHECK(listing->status == PARTCERT_LISTING_STATUS_FINAL);
    CHECK(listing->has_handset);
    CHECK(listing->handset_imei == IMEI_A);
    CHECK(same_id(listing->authority_key_id, partcert_authority_key_id(w.register_root)));
    CHECK_PSTR(listing->authority_name, "UK National Register");
    CHECK(partcert_blocklist_status_list_count(status) == 1);
    list = partcert_blocklist_status_list(status, 0);
    CHECK(list != NULL);
    if (list == NULL) return;
    CHECK(partcert_blocklist_status_list(status, 1) == NULL);
    CHECK(same_id(list->authority_key_id, partcert_authority_key_id(w.register_root)));
    CHECK_PSTR(list->authority_name, "UK National Register");
    CHECK(list->version.epoch == PUBLISHER_EPOCH);
    CHECK(list->version.sequence == 2);
    CHECK(list->expires_at == S2_AT + LIST_LIFE);
    CHECK(!list->stale);
    CHECK(list->stale_reason == PARTCERT_STALE_REASON_NONE);
    CHECK(list->outdated_by_issued_at == 0);
    CHECK(memcmp(list->outdated_by_authority_key_id, zeros, 32) == 0);
    CHECK_PSTR(list->outdated_by_name, "");
    CHECK(list->future_dated_issued_at == 0);
}

/* The stolen handset's screen, harvested and offered bare to a repair shop. */
static void harvested_screen_is_blocked(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = verify(&w, blocklist, evidence, NOW);
    uint64_t since = 9;

    CHECK(verdict != NULL);
    CHECK(partcert_verdict_is_blocked(verdict));
    CHECK(!partcert_verdict_is_stale(verdict));
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (serial-only), unpaired, BLOCKED: stolen");
    /* What the technician reads first, and what to do: the core's words. */
    CHECK_PSTR(partcert_verdict_headline(verdict),
               "BLOCKED \xe2\x80\x94 Acme screen SCR-A is listed as stolen");
    CHECK_CONTAINS(partcert_verdict_advice(verdict).data, "Do not fit it.");
    CHECK_CONTAINS(partcert_verdict_json(verdict).data, "\"headline\":\"BLOCKED");
    CHECK(partcert_verdict_part_kind(verdict) == PARTCERT_PART_KIND_SCREEN);
    CHECK_PSTR(partcert_verdict_part_kind_name(verdict), "screen");
    CHECK_PSTR(partcert_verdict_manufacturer(verdict), "Acme");
    CHECK_PSTR(partcert_verdict_model(verdict), "A1");
    CHECK_PSTR(partcert_verdict_serial(verdict), "SCR-A");
    CHECK_PSTR(partcert_verdict_issuer_name(verdict), "Acme line 3");
    CHECK_PSTR(partcert_verdict_root_name(verdict), "Acme root");
    CHECK(same_id(partcert_verdict_issuer_key_id(verdict), partcert_authority_key_id(w.line)));
    CHECK(same_id(partcert_verdict_root_key_id(verdict), partcert_authority_key_id(w.root)));
    CHECK(partcert_verdict_part_id(verdict) != NULL);
    CHECK(!same_id(partcert_verdict_part_id(verdict), partcert_verdict_fingerprint(verdict)));
    CHECK(partcert_verdict_imeis(verdict).len == 0);
    CHECK(partcert_verdict_imeis(verdict).data == NULL);
    CHECK(partcert_verdict_binding(verdict) == PARTCERT_BINDING_SERIAL_ONLY);
    CHECK(partcert_verdict_relation(verdict) == PARTCERT_RELATION_UNPAIRED);
    CHECK(partcert_verdict_provenance(verdict) == NULL);
    CHECK(!partcert_verdict_issuer_revoked(verdict, &since));
    CHECK(!partcert_verdict_issuer_retired(verdict, &since));
    CHECK(since == 9); /* not written */
    CHECK(partcert_verdict_pairing_refused(verdict) == NULL);
    CHECK(partcert_verdict_mismatched_imeis(verdict).len == 0);
    CHECK(partcert_verdict_checked_at(verdict) == NOW);
    check_blocked_listing(partcert_verdict_blocklist(verdict), partcert_verdict_part_id(verdict));
    CHECK_PSTR(partcert_blocklist_status_summary(partcert_verdict_blocklist(verdict)),
               "BLOCKED: stolen");
    {
        partcert_str json = partcert_verdict_json(verdict);
        CHECK(strlen(json.data) == json.len);
        CHECK_CONTAINS(json.data, "\"state\":\"blocked\"");
        CHECK_CONTAINS(json.data, "\"serial\":\"SCR-A\"");
        CHECK_CONTAINS(json.data, "\"reason\":\"stolen\"");
        CHECK_CONTAINS(json.data, "\"binding\":\"serial-only\"");
        /* Made once and kept: the same bytes again. */
        CHECK(partcert_verdict_json(verdict).data == json.data);
    }
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
}

/* A thief cannot launder the harvested screen by showing the donor's
 * clean pairing record: the record does not list it, and blocked wins —
 * the verdict is BLOCKED, with the record's refusal (306) beside it. The
 * donor's own screen shown with the stolen handset's record is clean, so
 * the refusal is the error. */
static void harvested_screen_with_a_foreign_record_stays_blocked(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_error *refused;
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d),
                                                 blen(w.record_d), E));
    verdict = verify(&w, blocklist, evidence, NOW);
    CHECK(partcert_verdict_is_blocked(verdict));
    CHECK(partcert_verdict_relation(verdict) == PARTCERT_RELATION_UNPAIRED);
    CHECK(partcert_verdict_provenance(verdict) == NULL);
    refused = partcert_verdict_pairing_refused(verdict);
    CHECK(refused != NULL);
    CHECK(partcert_error_code(refused) == PARTCERT_RESULT_PART_NOT_IN_PAIRING_RECORD);
    CHECK_CONTAINS(partcert_error_message(refused).data, "does not list this part");
    /* Borrowed: the same error object on every read, never freed by us. */
    CHECK(partcert_verdict_pairing_refused(verdict) == refused);
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (serial-only), unpaired, BLOCKED: stolen, its pairing record was refused");
    CHECK_CONTAINS(partcert_verdict_json(verdict).data,
                   "\"pairing_refused\":{\"code\":306,\"name\":\"PartNotInPairingRecord\"");
    partcert_verdict_free(verdict);
    /* With its own record it is still blocked, now through the handset too,
     * and nothing was refused. */
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_a),
                                                 blen(w.record_a), E));
    verdict = verify(&w, blocklist, evidence, NOW);
    CHECK(partcert_verdict_is_blocked(verdict));
    CHECK(partcert_verdict_pairing_refused(verdict) == NULL);
    /* the part itself and handset A's IMEI */
    CHECK(partcert_blocklist_status_listing_count(partcert_verdict_blocklist(verdict)) == 2);
    CHECK_PSTR(partcert_verdict_summary(verdict), "genuine (serial-only), used, BLOCKED: stolen");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    /* The clean donor screen with a record that does not list it: refused. */
    evidence = evidence_for(&w, w.screen_d);
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_a),
                                                 blen(w.record_a), E));
    verdict = NULL;
    CHECK_FAIL(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict, E),
               PARTCERT_RESULT_PART_NOT_IN_PAIRING_RECORD, "does not list this part");
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
}

/* Repair stays open: a genuine used screen from a clean donor handset. */
static void donor_screen_is_genuine_used_clean(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status;
    const partcert_provenance *provenance;
    const partcert_list_checked *list;

    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d),
                                                 blen(w.record_d), E));
    verdict = verify(&w, blocklist, evidence, NOW);
    CHECK_PSTR(partcert_verdict_summary(verdict), "genuine (serial-only), used, clean");
    CHECK(partcert_verdict_relation(verdict) == PARTCERT_RELATION_PAIRED_ELSEWHERE);
    provenance = partcert_verdict_provenance(verdict);
    CHECK(provenance != NULL);
    if (provenance != NULL) {
        CHECK(provenance->pairing_sequence == 1);
        CHECK(provenance->event == PARTCERT_PAIRING_EVENT_FACTORY_BUILD);
        CHECK(provenance->paired_at == T0 + 100);
        CHECK(provenance->handset_imeis.len == 1);
        CHECK(provenance->handset_imeis.data[0] == IMEI_D);
        CHECK(!provenance->certificate_renewed);
        CHECK(provenance->first_paired == T0 + 100); /* paired at the factory */
        CHECK(same_id(provenance->service_key_id, partcert_authority_key_id(w.pairing)));
        CHECK_PSTR(provenance->service_name, "Acme pairing");
    }
    status = partcert_verdict_blocklist(verdict);
    CHECK(partcert_blocklist_status_state(status) == PARTCERT_BLOCKLIST_STATE_CLEAN);
    CHECK(partcert_blocklist_status_listing_count(status) == 0);
    CHECK(partcert_blocklist_status_listing(status, 0) == NULL);
    CHECK(partcert_blocklist_status_list_count(status) == 1);
    list = partcert_blocklist_status_list(status, 0);
    CHECK(list != NULL && list->version.epoch == PUBLISHER_EPOCH && list->version.sequence == 2);
    CHECK(list != NULL && list->stale_reason == PARTCERT_STALE_REASON_NONE);
    partcert_verdict_free(verdict);

    /* Verified by handset D itself, the screen is at home. */
    {
        const uint64_t host[] = {IMEI_D};
        verdict = NULL;
        OK(partcert_verify_part(w.trust, blocklist, host, 1, evidence, NOW, &verdict, E));
        CHECK(partcert_verdict_relation(verdict) == PARTCERT_RELATION_PAIRED_HERE);
        CHECK_PSTR(partcert_verdict_summary(verdict),
                   "genuine (serial-only), fitted in this handset, clean");
        partcert_verdict_free(verdict);
    }
    /* Without a blocklist the standing is "not checked". */
    verdict = verify(&w, NULL, evidence, NOW);
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_NOT_CHECKED);
    CHECK_CONTAINS(partcert_verdict_json(verdict).data, "\"state\":\"not-checked\"");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
}

/* Once the list has expired, a clean answer is marked stale. */
static void an_expired_list_makes_answers_stale(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *donor = evidence_for(&w, w.screen_d);
    partcert_part_evidence *stolen = evidence_for(&w, w.screen_a);
    const uint64_t later = S2_AT + LIST_LIFE + DAY;
    partcert_verdict *verdict = verify(&w, blocklist, donor, later);
    const partcert_blocklist_status *status = partcert_verdict_blocklist(verdict);
    const partcert_list_checked *list = partcert_blocklist_status_list(status, 0);

    CHECK(partcert_blocklist_status_state(status) == PARTCERT_BLOCKLIST_STATE_STALE);
    CHECK(partcert_verdict_is_stale(verdict));
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (serial-only), unpaired, clean but blocklist stale "
               "(UK National Register: expired)");
    CHECK(list != NULL && list->stale && list->stale_reason == PARTCERT_STALE_REASON_EXPIRED);
    partcert_verdict_free(verdict);

    verdict = verify(&w, blocklist, stolen, later);
    status = partcert_verdict_blocklist(verdict);
    CHECK(partcert_blocklist_status_state(status) == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    CHECK(partcert_blocklist_status_is_stale(status));
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(donor);
    partcert_part_evidence_free(stolen);
    partcert_blocklist_free(blocklist);
}

/* A forger's own "Acme root" and "Acme line 3", and a screen they certify. */
static void make_counterfeit(partcert_bytes **line_cert_out, partcert_bytes **screen_out) {
    const uint16_t kinds[] = {PARTCERT_PART_KIND_SCREEN};
    partcert_authority *fake_root = make_manufacturer_root("Acme root", "Acme", 66);
    partcert_authority *fake_line =
        make_line(fake_root, "Acme line 3", 67, kinds, 1, "Acme", 2, line_cert_out);
    *screen_out = make_part(fake_line, PARTCERT_PART_KIND_SCREEN, "SCR-FAKE", NULL, 0, NULL, 1);
    partcert_authority_free(fake_line);
    partcert_authority_free(fake_root);
}

/* A counterfeit screen, "certified" by a factory line under a root no
 * verifier pins: untrusted (2xx), whatever its certificate says. */
static void counterfeit_screen_is_untrusted(void) {
    partcert_bytes *fake_line_cert = NULL, *fake_screen = NULL;
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    partcert_error *error = NULL;
    partcert_result rc;

    make_counterfeit(&fake_line_cert, &fake_screen);
    OK(partcert_part_evidence_new(bdata(fake_screen), blen(fake_screen), &evidence, E));
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(fake_line_cert),
                                                    blen(fake_line_cert), E));
    rc = partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict, &error);
    CHECK(rc == PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK(rc / 100 == 2);
    CHECK(verdict == NULL);
    CHECK(partcert_error_code(error) == PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK_CONTAINS(partcert_error_message(error).data, "unknown issuer");
    CHECK_CONTAINS(partcert_error_message(error).data, "counterfeit?");
    CHECK_PSTR(partcert_result_message(rc), "the issuer is not trusted");
    partcert_error_free(error);
    partcert_part_evidence_free(evidence);
    /* Without the chain at all, the same. */
    OK(partcert_part_evidence_new(bdata(fake_screen), blen(fake_screen), &evidence, E));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict, E),
             PARTCERT_RESULT_UNKNOWN_ISSUER);
    partcert_part_evidence_free(evidence);
    partcert_bytes_free(fake_screen);
    partcert_bytes_free(fake_line_cert);
}

/* A battery with a secure element proves it holds its key. */
static void keyed_battery_proves_its_key(void) {
    uint8_t nonce[PARTCERT_NONCE_LEN], other[PARTCERT_NONCE_LEN], seed[PARTCERT_SEED_LEN];
    partcert_bytes *response = NULL;
    partcert_part_evidence *evidence = evidence_for(&w, w.battery_a);
    partcert_verdict *verdict = verify(&w, NULL, evidence, NOW);

    CHECK(partcert_verdict_binding(verdict) == PARTCERT_BINDING_KEY_NOT_CHALLENGED);
    partcert_verdict_free(verdict);

    OK(partcert_challenge_generate(nonce, E));
    OK(partcert_challenge_generate(other, E));
    CHECK(memcmp(nonce, other, sizeof nonce) != 0);
    seed_of(seed, BATTERY_SEED);
    OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                  &response, E));
    {
        partcert_object_type type = 0;
        OK(partcert_object_type_of(bdata(response), blen(response), &type, E));
        CHECK(type == PARTCERT_OBJECT_TYPE_CHALLENGE_RESPONSE);
        CHECK(blen(response) <= PARTCERT_MAX_CHALLENGE_RESPONSE_LEN);
    }
    OK(partcert_part_evidence_set_challenge(evidence, nonce, bdata(response), blen(response),
                                            E));
    verdict = verify(&w, NULL, evidence, NOW);
    CHECK(partcert_verdict_binding(verdict) == PARTCERT_BINDING_KEY_PROVEN);
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (key-proven), unpaired, blocklist not checked");
    partcert_verdict_free(verdict);

    /* A recorded answer replayed against a fresh challenge fails. */
    OK(partcert_part_evidence_set_challenge(evidence, other, bdata(response), blen(response),
                                            E));
    verdict = NULL;
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict, E),
               PARTCERT_RESULT_WRONG_CHALLENGE_RESPONSE, "does not answer this challenge");
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);

    /* A challenge response for a part without a key. */
    evidence = evidence_for(&w, w.screen_d);
    OK(partcert_part_evidence_set_challenge(evidence, nonce, bdata(response), blen(response),
                                            E));
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict, E),
               PARTCERT_RESULT_NO_PART_KEY, "names no key");
    partcert_part_evidence_free(evidence);
    partcert_bytes_free(response);
}

/* A board's IMEIs are signed in: a flashed IMEI no longer matches, and the
 * error names it. */
static void board_imeis_are_signed_in(void) {
    partcert_part_evidence *evidence = evidence_for(&w, w.board_d);
    partcert_verdict *verdict = NULL;

    OK(partcert_part_evidence_add_presented_imei(evidence, IMEI_D, E));
    verdict = verify(&w, NULL, evidence, NOW);
    CHECK(partcert_verdict_imeis(verdict).len == 1);
    CHECK(partcert_verdict_imeis(verdict).data != NULL &&
          partcert_verdict_imeis(verdict).data[0] == IMEI_D);
    CHECK_PSTR(partcert_verdict_part_kind_name(verdict), "board");
    partcert_verdict_free(verdict);
    verdict = NULL;
    OK(partcert_part_evidence_add_presented_imei(evidence, IMEI_A, E));
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict, E),
               PARTCERT_RESULT_IMEI_MISMATCH,
               "IMEI mismatch: 356938035643809 is not signed into this");
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);
}

static partcert_handset_evidence *handset_of(const partcert_bytes *record, uint64_t modem_imei) {
    partcert_handset_evidence *handset = NULL;
    OK(partcert_handset_evidence_new(bdata(record), blen(record), &handset, E));
    OK(partcert_handset_evidence_add_modem_imei(handset, modem_imei, E));
    return handset;
}

static void add_fitted(partcert_handset_evidence *handset, const partcert_bytes *part) {
    OK(partcert_handset_evidence_add_part_certificate(handset, bdata(part), blen(part), E));
}

/* The boot self-check of the stolen handset and of the donor. */
static void handset_self_check(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_handset_evidence *handset = handset_of(w.record_a, IMEI_A);
    partcert_handset_report *report = NULL;
    partcert_part_evidence *battery = evidence_for(&w, w.battery_a);
    const partcert_fitted_part *part;
    uint8_t nonce[32], seed[32];
    partcert_bytes *response = NULL;

    OK(partcert_challenge_generate(nonce, E));
    seed_of(seed, BATTERY_SEED);
    OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                  &response, E));
    OK(partcert_part_evidence_set_challenge(battery, nonce, bdata(response), blen(response),
                                            E));
    add_fitted(handset, w.board_a);
    add_fitted(handset, w.screen_a);
    OK(partcert_handset_evidence_add_part(handset, battery, E));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report, E));
    CHECK_PSTR(partcert_handset_report_headline(report),
               "BLOCKED \xe2\x80\x94 this handset is listed as stolen");
    CHECK_CONTAINS(partcert_handset_report_advice(report).data, "Do not repair or resell");

    CHECK(partcert_handset_report_imeis(report).len == 1);
    CHECK(partcert_handset_report_imeis(report).data[0] == IMEI_A);
    CHECK(partcert_handset_report_pairing_sequence(report) == 1);
    CHECK(partcert_handset_report_checked_at(report) == NOW);
    CHECK(partcert_blocklist_status_state(partcert_handset_report_blocklist(report)) ==
          PARTCERT_BLOCKLIST_STATE_BLOCKED);
    CHECK(!partcert_handset_report_all_original_and_clean(report));
    CHECK(partcert_handset_report_all_original(report));
    CHECK(partcert_handset_report_is_blocked(report));
    CHECK(!partcert_handset_report_is_stale(report));
    CHECK(!partcert_handset_report_has_refused_parts(report));
    CHECK(partcert_handset_report_part_count(report) == 3);
    for (size_t i = 0; i < 3; i++) {
        part = partcert_handset_report_part(report, i);
        CHECK(part != NULL);
        if (part == NULL) continue;
        CHECK(part->outcome == PARTCERT_RESULT_OK);
        CHECK(part->error == NULL);
        CHECK(part->listed_in_record);
        CHECK(partcert_verdict_relation(part->verdict) == PARTCERT_RELATION_PAIRED_HERE);
        CHECK(same_id(part->fingerprint, partcert_verdict_fingerprint(part->verdict)));
    }
    CHECK(partcert_handset_report_part(report, 3) == NULL);
    part = partcert_handset_report_part(report, 2);
    CHECK(part != NULL && partcert_verdict_binding(part->verdict) == PARTCERT_BINDING_KEY_PROVEN);
    CHECK(partcert_handset_report_missing_count(report) == 0);
    CHECK(partcert_handset_report_missing(report, 0) == NULL);
    CHECK(partcert_handset_report_pairing_refused(report) == NULL);
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(battery);
    partcert_bytes_free(response);

    /* The donor, with its screen gone and a stranger's (stolen) screen
     * fitted: the missing part is named, the stranger is reported as not
     * in this handset's record (replaced) — not as "no record presented" —
     * and is blocked. */
    handset = handset_of(w.record_d, IMEI_D);
    add_fitted(handset, w.board_d);
    add_fitted(handset, w.screen_a);
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report, E));
    CHECK(partcert_blocklist_status_state(partcert_handset_report_blocklist(report)) ==
          PARTCERT_BLOCKLIST_STATE_CLEAN);
    CHECK(partcert_handset_report_missing_count(report) == 1);
    {
        const partcert_paired_part *missing = partcert_handset_report_missing(report, 0);
        partcert_part_evidence *donor_evidence = evidence_for(&w, w.screen_d);
        partcert_verdict *donor_screen = verify(&w, NULL, donor_evidence, NOW);
        CHECK(missing != NULL);
        if (missing != NULL) {
            CHECK(missing->kind == PARTCERT_PART_KIND_SCREEN);
            CHECK(same_id(missing->part_id, partcert_verdict_part_id(donor_screen)));
            CHECK(same_id(missing->certificate_fingerprint,
                          partcert_verdict_fingerprint(donor_screen)));
            CHECK(!missing->has_key); /* a serial-only screen */
            CHECK(missing->first_paired == T0 + 100);
        }
        partcert_verdict_free(donor_screen);
        partcert_part_evidence_free(donor_evidence);
    }
    part = partcert_handset_report_part(report, 0);
    CHECK(part != NULL && part->listed_in_record);
    part = partcert_handset_report_part(report, 1);
    CHECK(part != NULL);
    if (part != NULL) {
        CHECK(!part->listed_in_record); /* replaced: not in this handset's record */
        CHECK(partcert_verdict_is_blocked(part->verdict));
        CHECK(partcert_verdict_relation(part->verdict) == PARTCERT_RELATION_UNPAIRED);
    }
    CHECK(!partcert_handset_report_all_original(report));
    CHECK(!partcert_handset_report_all_original_and_clean(report));
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);

    /* The donor as built: all original and clean. */
    handset = handset_of(w.record_d, IMEI_D);
    add_fitted(handset, w.board_d);
    add_fitted(handset, w.screen_d);
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report, E));
    CHECK(partcert_handset_report_all_original_and_clean(report));
    CHECK(!partcert_handset_report_is_blocked(report));
    CHECK(partcert_handset_report_all_original(report));
    /* Without any blocklist the donor is as recorded, but not known clean. */
    {
        partcert_handset_report *unchecked = NULL;
        OK(partcert_verify_handset(w.trust, NULL, handset, NOW, &unchecked, E));
        CHECK(partcert_handset_report_all_original(unchecked));
        CHECK(!partcert_handset_report_all_original_and_clean(unchecked));
        partcert_handset_report_free(unchecked);
    }
    CHECK_CONTAINS(partcert_handset_report_json(report).data, "\"all_original_and_clean\":true");
    CHECK_CONTAINS(partcert_handset_report_json(report).data,
                   "\"handset_imeis\":[\"490154203237518\"]");
    partcert_handset_report_free(report);

    /* A modem reporting another IMEI: the record is not this handset's. */
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_X, E));
    report = NULL;
    CHECK_FAIL(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report, E),
               PARTCERT_RESULT_IMEI_MISMATCH, "350000000000006 is not signed into this pairing record");
    CHECK(report == NULL);
    partcert_handset_evidence_free(handset);
    partcert_blocklist_free(blocklist);
}

/* A part whose certificate fails inside a self-check: the report carries
 * its error and detailed message, and the check as a whole succeeds. */
static void self_check_reports_a_failing_part(void) {
    partcert_trust_store *bare = trust_without_pool(&w);
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report = NULL;
    const partcert_fitted_part *part;

    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset, E));
    add_fitted(handset, w.screen_d); /* no chain, and no pool to find it in */
    OK(partcert_verify_handset(bare, NULL, handset, NOW, &report, E));
    part = partcert_handset_report_part(report, 0);
    CHECK(part != NULL);
    if (part != NULL) {
        CHECK(part->outcome == PARTCERT_RESULT_UNKNOWN_ISSUER);
        CHECK(part->verdict == NULL);
        CHECK(partcert_error_code(part->error) == PARTCERT_RESULT_UNKNOWN_ISSUER);
        CHECK_CONTAINS(partcert_error_message(part->error).data, "unknown issuer");
        CHECK(part->listed_in_record);
    }
    CHECK(partcert_handset_report_has_refused_parts(report));
    CHECK_CONTAINS(partcert_handset_report_json(report).data,
                   "\"error\":{\"code\":201,\"name\":\"UnknownIssuer\"");
    CHECK_CONTAINS(partcert_handset_report_json(report).data, "\"all_original_and_clean\":false");
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_trust_store_free(bare);
}

/* Anti-rollback: an older list is refused, also after a restart from the
 * persisted state. */
static void rollback_is_refused_across_restarts(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w), *restarted = NULL;
    partcert_bytes *marks = NULL;
    const uint8_t *register_id = partcert_authority_key_id(w.register_root);
    partcert_list_version version = {77, 77};
    const partcert_list_info *info;

    CHECK_FAIL(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(w.s1), blen(w.s1),
                                                 NOW, &version, E),
               PARTCERT_RESULT_ROLLBACK,
               "rollback refused: epoch 1 sequence 1");
    CHECK(version.epoch == 77 && version.sequence == 77);
    /* The same list again is fine and changes nothing. */
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                         &version, E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 2);
    CHECK(partcert_blocklist_list_count(blocklist) == 1);
    info = partcert_blocklist_list(blocklist, 0);
    CHECK(info != NULL);
    CHECK(partcert_blocklist_list(blocklist, 1) == NULL);
    if (info != NULL) {
        CHECK(same_id(info->authority_key_id, register_id));
        CHECK(same_id(info->signer_key_id, partcert_authority_key_id(w.publisher)));
        CHECK(info->version.epoch == PUBLISHER_EPOCH);
        CHECK(info->version.sequence == 2);
        CHECK(info->issued_at == S2_AT);
        CHECK(info->expires_at == S2_AT + LIST_LIFE);
        CHECK(info->entry_count == 5); /* IMEI, board, screen, battery, battery's key */
        CHECK_PSTR(info->authority_name, "UK National Register");
    }
    /* The register's clock never runs behind its newest list; another
     * authority's clock is the caller's. */
    CHECK(partcert_blocklist_clock_for(blocklist, w.trust, register_id, T0) == S2_AT);
    CHECK(partcert_blocklist_clock_for(blocklist, w.trust, register_id, NOW) == NOW);
    CHECK(partcert_blocklist_clock_for(blocklist, w.trust,
                                       partcert_authority_key_id(w.publisher), T0) == T0);

    OK(partcert_blocklist_rollback_state(blocklist, &marks, E));
    CHECK(blen(marks) > 0 && blen(marks) <= PARTCERT_MAX_ROLLBACK_STATE_LEN);
    OK(partcert_blocklist_new_with_rollback_state(bdata(marks), blen(marks), &restarted, E));
    CHECK_RC(partcert_blocklist_apply_snapshot(restarted, w.trust, bdata(w.s1), blen(w.s1),
                                               NOW, &version, E),
             PARTCERT_RESULT_ROLLBACK);
    /* The restarted device holds no entries until it is given s2 again,
     * but still keeps the register's clock. */
    CHECK(partcert_blocklist_list_count(restarted) == 0);
    CHECK(partcert_blocklist_clock_for(restarted, w.trust, register_id, T0) == S2_AT);
    OK(partcert_blocklist_apply_snapshot(restarted, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                         NULL, E)); /* the version is optional */
    CHECK(partcert_blocklist_list_count(restarted) == 1);
    /* A delta from s1 cannot apply to s2. */
    CHECK_RC(partcert_blocklist_apply_delta(restarted, w.trust, bdata(w.delta12),
                                            blen(w.delta12), NOW, &version, E),
             PARTCERT_RESULT_ROLLBACK);
    partcert_blocklist_free(restarted);
    partcert_bytes_free(marks);

    /* The whole state the snapshot led to, saved and reloaded after a reboot. */
    {
        partcert_bytes *saved = NULL;
        partcert_blocklist *reloaded = NULL;
        OK(partcert_blocklist_save_state(blocklist, &saved, E));
        OK(partcert_blocklist_new_from_saved_state(w.trust, bdata(saved), blen(saved),
                                                   &reloaded, E));
        CHECK(partcert_blocklist_list_count(reloaded) == 1);
        info = partcert_blocklist_list(reloaded, 0);
        CHECK(info != NULL && info->version.epoch == PUBLISHER_EPOCH &&
              info->version.sequence == 2);
        CHECK_RC(partcert_blocklist_apply_snapshot(reloaded, w.trust, bdata(w.s1), blen(w.s1),
                                                   NOW, &version, E),
                 PARTCERT_RESULT_ROLLBACK);
        partcert_blocklist_free(reloaded);
        /* A copy cut short no longer matches its checksum: refused whole. */
        reloaded = NULL;
        CHECK_FAIL(partcert_blocklist_new_from_saved_state(w.trust, bdata(saved),
                                                           blen(saved) - 1, &reloaded, E),
                   PARTCERT_RESULT_CORRUPT_STATE, "checksum");
        CHECK(reloaded == NULL);
        partcert_bytes_free(saved);
    }
    partcert_blocklist_free(blocklist);
}

/* A device restarted from its anti-rollback marks still follows the
 * register: with the list withheld after the restart (a thief keeping the
 * update away), answers read stale, naming the missing list, never clean. */
static void a_withheld_list_after_a_restart_reads_missing(void) {
    partcert_blocklist *before = blocklist_at_s2(&w), *restarted = NULL;
    partcert_blocklist *fresh = partcert_blocklist_new();
    partcert_part_evidence *donor = evidence_for(&w, w.screen_d);
    partcert_part_evidence *stolen = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status;
    const partcert_list_checked *list;
    partcert_bytes *marks = NULL;

    OK(partcert_blocklist_rollback_state(before, &marks, E));
    partcert_blocklist_free(before);

    /* A device that never followed any list: "not checked". */
    CHECK(!partcert_blocklist_follows_any(fresh));
    verdict = verify(&w, fresh, donor, NOW);
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_NOT_CHECKED);
    partcert_verdict_free(verdict);
    partcert_blocklist_free(fresh);

    /* Restarted from its marks, holding no list. */
    OK(partcert_blocklist_new_with_rollback_state(bdata(marks), blen(marks), &restarted, E));
    CHECK(partcert_blocklist_follows_any(restarted));
    CHECK(partcert_blocklist_list_count(restarted) == 0);
    verdict = verify(&w, restarted, donor, NOW);
    CHECK(partcert_verdict_is_stale(verdict));
    status = partcert_verdict_blocklist(verdict);
    CHECK(partcert_blocklist_status_state(status) == PARTCERT_BLOCKLIST_STATE_STALE);
    CHECK(partcert_blocklist_status_list_count(status) == 1);
    list = partcert_blocklist_status_list(status, 0);
    CHECK(list != NULL);
    if (list != NULL) {
        CHECK(same_id(list->authority_key_id, partcert_authority_key_id(w.register_root)));
        CHECK(list->stale);
        CHECK(list->stale_reason == PARTCERT_STALE_REASON_MISSING);
        CHECK(list->version.epoch == PUBLISHER_EPOCH && list->version.sequence == 2);
        CHECK(list->expires_at == S2_AT + LIST_LIFE);
        CHECK_PSTR(list->authority_name, "UK National Register");
    }
    CHECK_PSTR(partcert_blocklist_status_summary(status),
               "clean but blocklist stale (UK National Register: missing)");
    CHECK_CONTAINS(partcert_verdict_json(verdict).data, "\"stale_reason\":{\"kind\":\"missing\"}");
    partcert_verdict_free(verdict);

    /* The stolen screen is not found while its list is withheld, but it is
     * not passed as clean either. */
    verdict = verify(&w, restarted, stolen, NOW);
    CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
          PARTCERT_BLOCKLIST_STATE_STALE);
    partcert_verdict_free(verdict);

    /* Once the list arrives again, answers are current. */
    OK(partcert_blocklist_apply_snapshot(restarted, w.trust, bdata(w.s2), blen(w.s2), NOW, NULL,
                                         E));
    verdict = verify(&w, restarted, stolen, NOW);
    status = partcert_verdict_blocklist(verdict);
    CHECK(partcert_blocklist_status_state(status) == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    CHECK(!partcert_blocklist_status_is_stale(status));
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(donor);
    partcert_part_evidence_free(stolen);
    partcert_blocklist_free(restarted);
    partcert_bytes_free(marks);
}

/* The position of the list's epoch in an encoded snapshot: the byte right
 * after its authority field, the last place the authority's key id occurs
 * (the signer's certificate names it earlier; an empty list has no entries
 * after it). */
static long epoch_offset(const uint8_t *data, size_t len, const uint8_t id[32]) {
    long found = -1;
    for (size_t i = 0; i + 32 < len; i++) {
        if (memcmp(data + i, id, 32) == 0) found = (long)(i + 32);
    }
    return found;
}

/* The register's delegated publisher key is stolen. The thief signs a list
 * at the very end of the sequence space that delists handset A, and
 * devices accept it (it is validly signed). But the key signs only in the
 * epoch its certificate names (406 elsewhere): the register's root
 * corrects the list in the next epoch, which the stolen key can never
 * reach, and a publisher certified for that epoch carries on. */
static void a_stolen_publisher_key_is_superseded_in_the_next_epoch(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_blocklist_entries *empty = partcert_blocklist_entries_new();
    partcert_blocklist_entries *listed = partcert_blocklist_entries_new();
    partcert_bytes *thief = NULL, *forged = NULL, *correction = NULL, *next = NULL,
                   *delta = NULL;
    partcert_authority *publisher2 = NULL;
    partcert_part_evidence *stolen = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_listing *listing;
    partcert_list_version version = {0, 0};
    const uint8_t *register_id = partcert_authority_key_id(w.register_root);
    const uint64_t thief_at = S2_AT + DAY, fix_at = S2_AT + 2 * DAY;
    const uint64_t next_epoch = PUBLISHER_EPOCH + 1;

    OK(partcert_blocklist_entries_add_reported_handset(listed, bdata(w.record_a),
                                                       blen(w.record_a),
                                                       PARTCERT_REASON_STOLEN, STOLEN_AT,
                                                       PARTCERT_LISTING_STATUS_FINAL, E));

    /* The thief's list: the largest sequence there is, handset A gone. */
    OK(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, PARTCERT_MAX_SEQUENCE,
                                           thief_at, thief_at + LIST_LIFE, empty, &thief, E));
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(thief), blen(thief),
                                         thief_at, &version, E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == PARTCERT_MAX_SEQUENCE);
    verdict = verify(&w, blocklist, stolen, thief_at);
    CHECK(!partcert_verdict_is_blocked(verdict));
    partcert_verdict_free(verdict);
    /* One past the largest sequence is refused outright. */
    CHECK_FAIL(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH,
                                                   PARTCERT_MAX_SEQUENCE + 1, thief_at,
                                                   thief_at + LIST_LIFE, empty, &forged, E),
               PARTCERT_RESULT_SEQUENCE_LEAP, "9007199254740992");

    /* The stolen key cannot sign for the next epoch … */
    CHECK_FAIL(partcert_authority_publish_snapshot(w.publisher, next_epoch, 1, fix_at,
                                                   fix_at + LIST_LIFE, empty, &forged, E),
               PARTCERT_RESULT_EPOCH_NOT_PERMITTED, "certified for epoch 1, not epoch 2");
    CHECK(forged == NULL);
    /* … and a list of its epoch rewritten to claim the next one is refused
     * by every verifier. */
    {
        uint8_t copy[4096];
        long at;
        partcert_blocklist *probe = partcert_blocklist_new();
        partcert_list_version untouched = {5, 5};
        CHECK(blen(thief) <= sizeof copy);
        memcpy(copy, bdata(thief), blen(thief));
        at = epoch_offset(copy, blen(thief), register_id);
        CHECK(at > 0 && copy[at] == PUBLISHER_EPOCH);
        if (at > 0) copy[at] = (uint8_t)next_epoch;
        CHECK_RC(partcert_blocklist_apply_snapshot(probe, w.trust, copy, blen(thief), thief_at,
                                                   &untouched, E),
                 PARTCERT_RESULT_EPOCH_NOT_PERMITTED);
        CHECK(untouched.epoch == 5 && untouched.sequence == 5);
        partcert_blocklist_free(probe);
    }

    /* The register's root corrects the list in the next epoch, from 1. */
    OK(partcert_authority_publish_snapshot(w.register_root, next_epoch, 1, fix_at,
                                           fix_at + LIST_LIFE, listed, &correction, E));
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(correction),
                                         blen(correction), fix_at, &version, E));
    CHECK(version.epoch == next_epoch && version.sequence == 1);
    verdict = verify(&w, blocklist, stolen, fix_at);
    CHECK(partcert_verdict_is_blocked(verdict));
    listing = partcert_blocklist_status_listing(partcert_verdict_blocklist(verdict), 0);
    CHECK(listing != NULL && listing->version.epoch == next_epoch &&
          listing->version.sequence == 1);
    partcert_verdict_free(verdict);
    /* The thief's list is now old. */
    CHECK_RC(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(thief), blen(thief),
                                               fix_at, &version, E),
             PARTCERT_RESULT_ROLLBACK);
    CHECK(version.epoch == next_epoch && version.sequence == 1);

    /* A new publisher, certified for the new epoch, carries on. */
    publisher2 = make_publisher(w.register_root, "UK register publisher 2", 6, next_epoch, 3);
    OK(partcert_authority_publish_snapshot(publisher2, next_epoch, 2, fix_at + DAY,
                                           fix_at + DAY + LIST_LIFE, listed, &next, E));
    OK(partcert_authority_publish_delta(publisher2, bdata(correction), blen(correction),
                                        bdata(next), blen(next), &delta, E));
    OK(partcert_blocklist_apply_delta(blocklist, w.trust, bdata(delta), blen(delta),
                                      fix_at + DAY, &version, E));
    CHECK(version.epoch == next_epoch && version.sequence == 2);
    /* A delta never crosses epochs: a new epoch starts with a snapshot. */
    partcert_bytes_free(delta);
    delta = NULL;
    CHECK_RC(partcert_authority_publish_delta(publisher2, bdata(w.s2), blen(w.s2), bdata(next),
                                              blen(next), &delta, E),
             PARTCERT_RESULT_INVALID_FIELD);
    CHECK(delta == NULL);

    partcert_authority_free(publisher2);
    partcert_bytes_free(thief);
    partcert_bytes_free(correction);
    partcert_bytes_free(next);
    partcert_blocklist_entries_free(empty);
    partcert_blocklist_entries_free(listed);
    partcert_part_evidence_free(stolen);
    partcert_blocklist_free(blocklist);
}

/* A stolen handset's modem flashed to another IMEI: blocked wins, and the
 * mismatch is reported with it. A clean board with a mismatch is refused. */
static void a_listed_board_with_a_rewritten_imei_is_still_blocked(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *board = evidence_for(&w, w.board_a);
    partcert_verdict *verdict = NULL;
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report = NULL;
    partcert_imeis mismatched;

    /* Handset A's board (listed), its modem now reporting IMEI_D. */
    OK(partcert_part_evidence_add_presented_imei(board, IMEI_D, E));
    verdict = verify(&w, blocklist, board, NOW);
    CHECK(partcert_verdict_is_blocked(verdict));
    mismatched = partcert_verdict_mismatched_imeis(verdict);
    CHECK(mismatched.len == 1 && mismatched.data[0] == IMEI_D);
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (serial-only), unpaired, BLOCKED: stolen, "
               "modem IMEI does not match the board");
    CHECK_CONTAINS(partcert_verdict_json(verdict).data,
                   "\"mismatched_imeis\":[\"490154203237518\"]");
    partcert_verdict_free(verdict);
    verdict = NULL;
    /* Without the blocklist nothing outranks the mismatch: 305. */
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, board, NOW, &verdict, E),
               PARTCERT_RESULT_IMEI_MISMATCH, "490154203237518");
    CHECK(verdict == NULL);
    partcert_part_evidence_free(board);

    /* The clean donor's board presenting the stolen handset's listed IMEI. */
    board = evidence_for(&w, w.board_d);
    OK(partcert_part_evidence_add_presented_imei(board, IMEI_A, E));
    verdict = verify(&w, blocklist, board, NOW);
    CHECK(partcert_verdict_is_blocked(verdict));
    CHECK(partcert_verdict_mismatched_imeis(verdict).len == 1 &&
          partcert_verdict_mismatched_imeis(verdict).data[0] == IMEI_A);
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(board);

    /* Handset A's self-check, its modem reporting a second, foreign IMEI:
     * the report is blocked and names it. */
    handset = handset_of(w.record_a, IMEI_A);
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_X, E));
    add_fitted(handset, w.board_a);
    add_fitted(handset, w.screen_a);
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report, E));
    CHECK(partcert_handset_report_is_blocked(report));
    mismatched = partcert_handset_report_mismatched_modem_imeis(report);
    CHECK(mismatched.len == 1 && mismatched.data[0] == IMEI_X);
    CHECK(!partcert_handset_report_all_original(report));
    {
        const partcert_fitted_part *part = partcert_handset_report_part(report, 0);
        CHECK(part != NULL && partcert_verdict_mismatched_imeis(part->verdict).len == 1);
    }
    CHECK_CONTAINS(partcert_handset_report_json(report).data,
                   "\"mismatched_modem_imeis\":[\"350000000000006\"]");
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_blocklist_free(blocklist);
}

/* Saved state is checksummed: a corrupted copy is refused whole (112). */
static void corrupted_saved_state_is_refused(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w), *reloaded = NULL;
    partcert_bytes *saved = NULL, *marks = NULL;
    uint8_t copy[PARTCERT_MAX_ROLLBACK_STATE_LEN];
    uint8_t *rotten;
    size_t len;

    OK(partcert_blocklist_save_state(blocklist, &saved, E));
    len = blen(saved);
    OK(partcert_blocklist_new_from_saved_state(w.trust, bdata(saved), len, &reloaded, E));
    partcert_blocklist_free(reloaded);
    reloaded = NULL;
    rotten = malloc(len);
    CHECK(rotten != NULL);
    if (rotten == NULL) return;
    memcpy(rotten, bdata(saved), len);
    rotten[len / 2] ^= 0x04; /* one bit rots on disk */
    CHECK_FAIL(partcert_blocklist_new_from_saved_state(w.trust, rotten, len, &reloaded, E),
               PARTCERT_RESULT_CORRUPT_STATE, "checksum does not match");
    CHECK(reloaded == NULL);
    free(rotten);

    OK(partcert_blocklist_rollback_state(blocklist, &marks, E));
    len = blen(marks);
    memcpy(copy, bdata(marks), len);
    copy[len - 1] ^= 0x80; /* in the checksum itself */
    CHECK_RC(partcert_blocklist_new_with_rollback_state(copy, len, &reloaded, E),
             PARTCERT_RESULT_CORRUPT_STATE);
    CHECK(reloaded == NULL);
    CHECK_PSTR(partcert_result_name(PARTCERT_RESULT_CORRUPT_STATE), "CorruptState");
    CHECK_PSTR(partcert_result_message(112), "saved state is corrupt (checksum mismatch)");
    partcert_bytes_free(saved);
    partcert_bytes_free(marks);
    partcert_blocklist_free(blocklist);
}

/* Stale lists say why: signed by a key since revoked, outdated by another
 * authority's newer list (which only flags, never refuses), or dated after
 * this device's clock. A list applied while the device's clock was right
 * vouches for its time: read later with the clock set back, it flags the
 * register's expired list as OUTDATED_BY (and itself FUTURE_DATED). A list
 * received while the clock is behind vouches only for that clock plus the
 * tolerance: it flags itself alone. */
static void stale_lists_say_why(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_trust_store *trust = partcert_trust_store_clone(w.trust);
    partcert_bytes *revocation = NULL, *operator_list = NULL;
    partcert_authority *operator_root = NULL;
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_part_evidence *donor = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status;
    const partcert_list_checked *list = NULL, *operator = NULL;
    partcert_slice operator_cert;
    uint8_t operator_id[32], seed[PARTCERT_SEED_LEN];
    const uint8_t *register_id = partcert_authority_key_id(w.register_root);
    uint64_t since;
    const uint64_t operator_at = S2_AT + LIST_LIFE + DAY; /* after s2 expires */

    /* Another authority, whose list was issued after the register's expired,
     * applied while the device's clock said so. */
    seed_of(seed, 60);
    OK(partcert_authority_new_blocklist_root(seed, "Operator", 8, T0, YEARS(30),
                                             &operator_root, E));
    operator_cert = partcert_authority_certificate(operator_root);
    OK(partcert_trust_store_add_blocklist_root(trust, operator_cert.data, operator_cert.len,
                                               operator_id, E));
    CHECK(same_id(operator_id, partcert_authority_key_id(operator_root)));
    OK(partcert_authority_publish_snapshot(operator_root, 0, 1, operator_at,
                                           operator_at + LIST_LIFE, entries, &operator_list, E));
    OK(partcert_blocklist_apply_snapshot(blocklist, trust, bdata(operator_list),
                                         blen(operator_list), operator_at, NULL, E));
    /* Then the clock is set back to NOW: the register's list is outdated. */
    OK(partcert_verify_part(trust, blocklist, NULL, 0, donor, NOW, &verdict, E));
    status = partcert_verdict_blocklist(verdict);
    CHECK(partcert_blocklist_status_list_count(status) == 2);
    for (size_t i = 0; i < 2; i++) {
        const partcert_list_checked *each = partcert_blocklist_status_list(status, i);
        if (each != NULL && same_id(each->authority_key_id, register_id)) list = each;
        else operator = each;
    }
    CHECK(list != NULL);
    if (list != NULL) {
        CHECK(list->stale);
        CHECK(list->stale_reason == PARTCERT_STALE_REASON_OUTDATED_BY);
        CHECK(same_id(list->outdated_by_authority_key_id, operator_id));
        CHECK(list->outdated_by_issued_at == operator_at);
        CHECK_PSTR(list->outdated_by_name, "Operator");
        CHECK(list->future_dated_issued_at == 0);
    }
    /* The operator's own list is dated after the clock now read: it flags
     * itself, naming nobody else. */
    CHECK(operator != NULL);
    if (operator != NULL) {
        CHECK(operator->stale);
        CHECK(operator->stale_reason == PARTCERT_STALE_REASON_FUTURE_DATED);
        CHECK(operator->future_dated_issued_at == operator_at);
        CHECK(operator->outdated_by_name.len == 0 && operator->outdated_by_issued_at == 0);
    }
    CHECK_PSTR(partcert_blocklist_status_summary(status),
               "clean but blocklist stale (Operator: dated after this device's clock; "
               "UK National Register: outdated by Operator)");
    partcert_verdict_free(verdict);
    partcert_blocklist_free(blocklist);

    /* The same list received while the clock is behind (at NOW): it vouches
     * for no more than NOW plus the tolerance, so the register's list stays
     * current and the operator's list flags itself alone. */
    blocklist = blocklist_at_s2(&w);
    OK(partcert_blocklist_apply_snapshot(blocklist, trust, bdata(operator_list),
                                         blen(operator_list), NOW, NULL, E));
    CHECK(partcert_blocklist_clock_for(blocklist, trust, operator_id, NOW) ==
          NOW + PARTCERT_CLOCK_TOLERANCE);
    verdict = NULL;
    OK(partcert_verify_part(trust, blocklist, NULL, 0, donor, NOW, &verdict, E));
    status = partcert_verdict_blocklist(verdict);
    for (size_t i = 0; i < partcert_blocklist_status_list_count(status); i++) {
        const partcert_list_checked *each = partcert_blocklist_status_list(status, i);
        if (same_id(each->authority_key_id, register_id)) {
            CHECK(!each->stale && each->stale_reason == PARTCERT_STALE_REASON_NONE);
        } else {
            CHECK(each->stale_reason == PARTCERT_STALE_REASON_FUTURE_DATED);
            CHECK(each->future_dated_issued_at == operator_at);
        }
    }
    CHECK_PSTR(partcert_blocklist_status_summary(status),
               "clean but blocklist stale (Operator: dated after this device's clock)");
    CHECK_CONTAINS(partcert_verdict_json(verdict).data,
                   "\"stale_reason\":{\"kind\":\"future-dated\"");
    partcert_verdict_free(verdict);
    partcert_blocklist_free(blocklist);

    /* The register revokes its publisher's key: lists it signed read stale. */
    blocklist = blocklist_at_s2(&w);
    since = S2_AT + DAY;
    OK(partcert_authority_revoke(w.register_root, 1, NOW,
                                 partcert_authority_key_id(w.publisher), &since, 1, &revocation,
                                 E));
    OK(partcert_trust_store_apply_revocation_list_at(trust, bdata(revocation), blen(revocation),
                                                     NOW, NULL, E));
    verdict = NULL;
    OK(partcert_verify_part(trust, blocklist, NULL, 0, donor, NOW, &verdict, E));
    status = partcert_verdict_blocklist(verdict);
    list = NULL;
    for (size_t i = 0; i < partcert_blocklist_status_list_count(status); i++) {
        const partcert_list_checked *each = partcert_blocklist_status_list(status, i);
        if (same_id(each->authority_key_id, register_id)) list = each;
    }
    CHECK(list != NULL && list->stale_reason == PARTCERT_STALE_REASON_SIGNER_REVOKED);
    partcert_verdict_free(verdict);

    partcert_bytes_free(revocation);
    partcert_bytes_free(operator_list);
    partcert_authority_free(operator_root);
    partcert_blocklist_entries_free(entries);
    partcert_part_evidence_free(donor);
    partcert_trust_store_free(trust);
    partcert_blocklist_free(blocklist);
}

/* A factory line's key leaks at time L and its root revokes it from L on:
 * a part a pairing record places before L is still genuine (and says so),
 * one shown without such a record is refused. */
static void a_part_made_before_its_line_was_revoked(void) {
    partcert_trust_store *trust = partcert_trust_store_clone(w.trust);
    partcert_bytes *revocation = NULL;
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    uint64_t sequence = 0, since = 0;
    const uint64_t leaked_at = T0 + 3 * DAY; /* after the factory pairing (T0 + 100) */

    OK(partcert_authority_revoke(w.root, 1, T0 + 4 * DAY, partcert_authority_key_id(w.line),
                                 &leaked_at, 1, &revocation, E));
    OK(partcert_trust_store_apply_revocation_list_at(trust, bdata(revocation), blen(revocation),
                                                     T0 + 4 * DAY, &sequence, E));
    CHECK(sequence == 1);
    CHECK_FAIL(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict, E),
               PARTCERT_RESULT_ISSUER_REVOKED, "has been revoked by its");
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d), blen(w.record_d),
                                                 E));
    OK(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict, E));
    CHECK(partcert_verdict_issuer_revoked(verdict, &since));
    CHECK(since == leaked_at);
    CHECK(partcert_verdict_issuer_revoked(verdict, NULL)); /* `since_out` is optional */
    CHECK_CONTAINS(partcert_verdict_summary(verdict).data,
                   "made before its line's key was revoked");
    partcert_verdict_free(verdict);
    partcert_bytes_free(revocation);
    partcert_part_evidence_free(evidence);
    partcert_trust_store_free(trust);
}

/* A line certifies only its makers' parts (308); a part belongs to the root
 * of the line that certified it (309); a pairing service vouches only for
 * boards of its own root (307). */
static void makers_roots_and_pairing_services(void) {
    const uint16_t kinds[] = {PARTCERT_PART_KIND_BOARD, PARTCERT_PART_KIND_SCREEN};
    partcert_authority *bolt_root = make_manufacturer_root("Bolt root", "Bolt", 50);
    partcert_authority *refurb_root = make_manufacturer_root("Acme refurb root", "Acme", 53);
    partcert_bytes *bolt_line_cert = NULL, *bolt_board = NULL, *refurb_line_cert = NULL,
                   *out = NULL;
    partcert_authority *bolt_line =
        make_line(bolt_root, "Bolt line 1", 51, kinds, 2, "Bolt", 2, &bolt_line_cert);
    partcert_str bolt[] = {str_of("Bolt")}, acme[] = {str_of("Acme")};
    partcert_part_spec *spec = NULL;
    partcert_trust_store *trust = trust_without_pool(&w);
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    partcert_slice refurb_cert = partcert_authority_certificate(refurb_root);
    uint8_t key[PARTCERT_PUBLIC_KEY_LEN];

    OK(partcert_part_spec_new(PARTCERT_PART_KIND_BOARD, "Bolt", 4, "B1", 2, "BRD-B", 5, &spec,
                              E));
    OK(partcert_part_spec_add_imei(spec, IMEI_X, E));
    /* Acme's line may not certify a Bolt board, Acme's root not a line for Bolt. */
    CHECK_FAIL(partcert_authority_certify_part(w.line, spec, 1, T0, YEARS(1), &out, E),
               PARTCERT_RESULT_MANUFACTURER_NOT_PERMITTED, "\"Bolt\"");
    key_of(52, key);
    CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, key, kinds, 2, bolt, 1, 9,
                                                    T0, YEARS(1), &out, E),
             PARTCERT_RESULT_MANUFACTURER_NOT_PERMITTED);
    CHECK(out == NULL);
    /* Acme's pairing service does not vouch for Bolt's handsets. */
    OK(partcert_authority_certify_part(bolt_line, spec, 1, T0, YEARS(30), &bolt_board, E));
    CHECK_FAIL(partcert_authority_pair(w.pairing, bdata(bolt_board), blen(bolt_board), NULL, 0,
                                       1, PARTCERT_PAIRING_EVENT_FACTORY_BUILD, NOW, &out, E),
               PARTCERT_RESULT_FOREIGN_PAIRING_SERVICE, "another manufacturer's pairing service");
    CHECK(out == NULL);

    /* Acme's line key certified again, by another root that also names
     * Acme: that certificate does not make the line's parts that root's. */
    OK(partcert_trust_store_add_manufacturer_root(trust, refurb_cert.data, refurb_cert.len,
                                                  NULL, E));
    key_of(2, key);
    OK(partcert_authority_certify_part_issuer(refurb_root, "Acme line 3", 11, key, kinds, 2,
                                              acme, 1, 2, T0, YEARS(20), &refurb_line_cert, E));
    OK(partcert_part_evidence_new(bdata(w.screen_d), blen(w.screen_d), &evidence, E));
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(refurb_line_cert),
                                                    blen(refurb_line_cert), E));
    CHECK_RC(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict, E),
             PARTCERT_RESULT_ROOT_MISMATCH);
    CHECK(verdict == NULL);
    /* With its own line's certificate beside it, the part verifies. */
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(w.line_cert),
                                                    blen(w.line_cert), E));
    OK(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict, E));
    CHECK_PSTR(partcert_verdict_root_name(verdict), "Acme root");
    partcert_verdict_free(verdict);

    partcert_part_spec_free(spec);
    partcert_part_evidence_free(evidence);
    partcert_trust_store_free(trust);
    partcert_bytes_free(bolt_line_cert);
    partcert_bytes_free(bolt_board);
    partcert_bytes_free(refurb_line_cert);
    partcert_authority_free(bolt_line);
    partcert_authority_free(bolt_root);
    partcert_authority_free(refurb_root);
}

/* A root revokes its factory line: its parts no longer verify. */
static void a_revoked_issuer_is_refused(void) {
    partcert_trust_store *trust = partcert_trust_store_new();
    partcert_bytes *revocation = NULL, *older = NULL;
    partcert_part_evidence *evidence = evidence_with_chain(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    const uint8_t *line_id = partcert_authority_key_id(w.line);
    const uint8_t *root_id = partcert_authority_key_id(w.root);
    uint64_t sequence = 0, since = 9;
    const uint64_t from_the_beginning = 0;

    OK(partcert_trust_store_add_manufacturer_root(trust, w.root_cert.data, w.root_cert.len,
                                                  NULL, E));
    CHECK(partcert_trust_store_manufacturer_root_count(trust) == 1);
    CHECK(partcert_trust_store_blocklist_root_count(trust) == 0);
    OK(partcert_authority_revoke(w.root, 2, T0 + 5 * DAY, line_id, &from_the_beginning, 1,
                                 &revocation, E));
    OK(partcert_authority_revoke(w.root, 1, T0 + 4 * DAY, NULL, NULL, 0, &older, E));
    OK(partcert_trust_store_apply_revocation_list_at(trust, bdata(revocation), blen(revocation),
                                                     T0 + 5 * DAY, &sequence, E));
    CHECK(sequence == 2);
    CHECK(partcert_trust_store_is_revoked(trust, root_id, line_id, &since));
    CHECK(since == 0);
    CHECK(!partcert_trust_store_is_revoked(trust, root_id, root_id, NULL));
    /* The root's clock never runs behind its newest revocation list. */
    CHECK(partcert_trust_store_clock_for_root(trust, root_id, T0) == T0 + 5 * DAY);
    CHECK(partcert_trust_store_clock_for_root(trust, line_id, T0) == T0);
    CHECK_FAIL(partcert_trust_store_apply_revocation_list_at(trust, bdata(older), blen(older),
                                                             T0 + 5 * DAY, &sequence, E),
               PARTCERT_RESULT_ROLLBACK, "rollback refused");
    CHECK(sequence == 2);
    CHECK_RC(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict, E),
             PARTCERT_RESULT_ISSUER_REVOKED);
    partcert_part_evidence_free(evidence);
    partcert_bytes_free(revocation);
    partcert_bytes_free(older);
    partcert_trust_store_free(trust);
}

/* Time is the caller's: too early, too late; the detail says which and
 * when. */
static void validity_is_checked_at_the_time_given(void) {
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, T0 - 1, &verdict, E),
               PARTCERT_RESULT_NOT_YET_VALID, "is not valid until 1700000000 (checked at 1699999999)");
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, YEARS(25), &verdict, E),
               PARTCERT_RESULT_EXPIRED, "expired at");
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);
}

/* The chain pool: a factory line's certificate added once to the trust
 * store is found by key id for every part, instead of riding in each
 * part's evidence. */
static void the_chain_pool_completes_chains(void) {
    partcert_trust_store *bare = trust_without_pool(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;

    CHECK(partcert_trust_store_chain_certificate_count(w.trust) == 1);
    CHECK(partcert_trust_store_chain_certificate_count(bare) == 0);
    /* Without the pool or a chain: unknown issuer. */
    CHECK_RC(partcert_verify_part(bare, NULL, NULL, 0, evidence, NOW, &verdict, E),
             PARTCERT_RESULT_UNKNOWN_ISSUER);
    /* Pooled once, found for every part. */
    OK(partcert_trust_store_add_chain_certificate(bare, bdata(w.line_cert), blen(w.line_cert),
                                                  E));
    OK(partcert_trust_store_add_chain_certificate(bare, bdata(w.line_cert), blen(w.line_cert),
                                                  E));
    CHECK(partcert_trust_store_chain_certificate_count(bare) == 1); /* not twice */
    OK(partcert_verify_part(bare, NULL, NULL, 0, evidence, NOW, &verdict, E));
    CHECK_PSTR(partcert_verdict_issuer_name(verdict), "Acme line 3");
    partcert_verdict_free(verdict);
    /* A chain in the evidence as well is fine. */
    partcert_part_evidence_free(evidence);
    evidence = evidence_with_chain(&w, w.board_d);
    verdict = NULL;
    OK(partcert_verify_part(bare, NULL, NULL, 0, evidence, NOW, &verdict, E));
    CHECK(verdict != NULL);
    partcert_verdict_free(verdict);
    /* The pool takes factory lines' certificates only. */
    CHECK_FAIL(partcert_trust_store_add_chain_certificate(bare, w.root_cert.data,
                                                          w.root_cert.len, E),
               PARTCERT_RESULT_ROLE_NOT_PERMITTED, "chain pool");
    CHECK_RC(partcert_trust_store_add_chain_certificate(bare, bdata(w.screen_d),
                                                        blen(w.screen_d), E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    /* A pooled certificate is checked like any other: a forged line's
     * certificate does not make its parts trusted. */
    {
        partcert_bytes *fake_line_cert = NULL, *fake_screen = NULL;
        partcert_part_evidence *fake = NULL;
        make_counterfeit(&fake_line_cert, &fake_screen);
        OK(partcert_trust_store_add_chain_certificate(bare, bdata(fake_line_cert),
                                                      blen(fake_line_cert), E));
        OK(partcert_part_evidence_new(bdata(fake_screen), blen(fake_screen), &fake, E));
        CHECK_RC(partcert_verify_part(bare, NULL, NULL, 0, fake, NOW, &verdict, E),
                 PARTCERT_RESULT_UNKNOWN_ISSUER);
        partcert_part_evidence_free(fake);
        partcert_bytes_free(fake_line_cert);
        partcert_bytes_free(fake_screen);
    }
    partcert_part_evidence_free(evidence);
    partcert_trust_store_free(bare);
}

/* Issuing refuses what it should, naming the value: an IMEI twice in a
 * board's spec, a handset reported twice in one snapshot. */
static void issuing_names_the_offending_value(void) {
    partcert_part_spec *spec = NULL;
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_bytes *snapshot = NULL;

    OK(partcert_part_spec_new(PARTCERT_PART_KIND_BOARD, "Acme", 4, "A1", 2, "BRD-Z", 5, &spec,
                              E));
    OK(partcert_part_spec_add_imei(spec, IMEI_X, E));
    OK(partcert_part_spec_add_imei(spec, IMEI_X, E));
    {
        /* The core refuses the repeated IMEI when certifying, naming it. */
        partcert_bytes *twice = NULL;
        CHECK_FAIL(partcert_authority_certify_part(w.line, spec, 1, T0, YEARS(30), &twice, E),
                   PARTCERT_RESULT_NOT_CANONICAL, "IMEI 350000000000006 is given twice");
        CHECK(twice == NULL);
    }
    CHECK_FAIL(partcert_part_spec_add_imei(spec, 12345, E), PARTCERT_RESULT_INVALID_IMEI,
               "invalid IMEI");
    {
        /* A 32-byte string that is no Ed25519 point. */
        uint8_t bad_key[PARTCERT_PUBLIC_KEY_LEN], id[32];
        int found = 0;
        for (int first = 0; first < 256 && !found; first++) {
            memset(bad_key, 0, sizeof bad_key);
            bad_key[0] = (uint8_t)first;
            bad_key[31] = 0x01;
            if (partcert_public_key_id(bad_key, id, NULL) == PARTCERT_RESULT_INVALID_PUBLIC_KEY)
                found = 1;
        }
        CHECK(found);
        CHECK_FAIL(partcert_part_spec_set_public_key(spec, bad_key, E),
                   PARTCERT_RESULT_INVALID_PUBLIC_KEY, "invalid Ed25519 public key");
    }
    partcert_part_spec_free(spec);

    OK(partcert_blocklist_entries_add_reported_handset(entries, bdata(w.record_a),
                                                       blen(w.record_a),
                                                       PARTCERT_REASON_STOLEN, STOLEN_AT,
                                                       PARTCERT_LISTING_STATUS_FINAL, E));
    /* IMEI, board, screen, battery, and the keyed battery by its key */
    CHECK(partcert_blocklist_entries_count(entries) == 5);
    {
        /* The same handset reported twice: the core refuses the snapshot
           when publishing, naming the key. */
        partcert_blocklist_entries *twice = partcert_blocklist_entries_new();
        partcert_bytes *refused = NULL;
        OK(partcert_blocklist_entries_add_reported_handset(twice, bdata(w.record_a),
                                                           blen(w.record_a),
                                                           PARTCERT_REASON_STOLEN, STOLEN_AT,
                                                           PARTCERT_LISTING_STATUS_FINAL, E));
        OK(partcert_blocklist_entries_add_handset(twice, IMEI_A, PARTCERT_REASON_LOST, STOLEN_AT,
                                                  PARTCERT_LISTING_STATUS_FINAL, E));
        CHECK_FAIL(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 3, T0,
                                                       T0 + LIST_LIFE, twice, &refused, E),
                   PARTCERT_RESULT_NOT_CANONICAL,
                   "handset IMEI 356938035643809 is given twice");
        CHECK(refused == NULL);
        partcert_blocklist_entries_free(twice);
    }
    /* An expired signer is refused at signing, not when a device applies. */
    CHECK_FAIL(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 3, YEARS(21),
                                                   YEARS(21) + LIST_LIFE, entries, &snapshot,
                                                   E),
               PARTCERT_RESULT_EXPIRED, "at the list's issue time");
    CHECK(snapshot == NULL);
    {
        partcert_bytes *list = NULL;
        CHECK_FAIL(partcert_authority_revoke(w.root, 9, YEARS(31), NULL, NULL, 0, &list, E),
                   PARTCERT_RESULT_EXPIRED, "revocation list's issue time");
        CHECK(list == NULL);
    }
    partcert_blocklist_entries_free(entries);
}

/* The small helpers. */
static void helpers(void) {
    uint64_t imei = 0;
    partcert_object_type type = 0;
    uint8_t seed[32], again[32], key[32], id[32];

    OK(partcert_imei_parse("356938035643809", 15, &imei, E));
    CHECK(imei == IMEI_A);
    OK(partcert_imei_with_check_digit(35693803564380ULL, &imei, E));
    CHECK(imei == IMEI_A);
    CHECK_PSTR(partcert_part_kind_name(PARTCERT_PART_KIND_REAR_CAMERA), "rear-camera");
    CHECK_PSTR(partcert_part_kind_name(77), "");
    OK(partcert_object_type_of(bdata(w.s2), blen(w.s2), &type, E));
    CHECK(type == PARTCERT_OBJECT_TYPE_BLOCKLIST_SNAPSHOT);
    OK(partcert_object_type_of(bdata(w.delta12), blen(w.delta12), &type, E));
    CHECK(type == PARTCERT_OBJECT_TYPE_BLOCKLIST_DELTA);
    OK(partcert_object_type_of(bdata(w.record_a), blen(w.record_a), &type, E));
    CHECK(type == PARTCERT_OBJECT_TYPE_PAIRING_RECORD);
    OK(partcert_object_type_of(w.root_cert.data, w.root_cert.len, &type, E));
    CHECK(type == PARTCERT_OBJECT_TYPE_CERTIFICATE);
    OK(partcert_secret_key_generate(seed, E));
    OK(partcert_secret_key_generate(again, E));
    CHECK(memcmp(seed, again, 32) != 0);
    OK(partcert_public_key_from_seed(seed, key, E));
    OK(partcert_public_key_id(key, id, E));
    {
        /* A fresh root from a random key: its key id is the key's. */
        partcert_authority *root = NULL;
        OK(partcert_authority_new_blocklist_root(seed, "Op", 2, T0, YEARS(1), &root, E));
        CHECK(same_id(partcert_authority_key_id(root), id));
        CHECK(partcert_authority_role(root) == PARTCERT_ROLE_BLOCKLIST_ROOT);
        partcert_authority_free(root);
    }
    CHECK(partcert_authority_role(w.line) == PARTCERT_ROLE_PART_ISSUER);
    CHECK_PSTR(partcert_result_name(PARTCERT_RESULT_ROLLBACK), "Rollback");
    CHECK_PSTR(partcert_result_message(PARTCERT_RESULT_OK), "ok");
}

/* Whether `blocklist` blocks `part` at `now`. */
static int blocks(const partcert_blocklist *blocklist, const partcert_bytes *part, uint64_t now) {
    partcert_part_evidence *evidence = evidence_for(&w, part);
    partcert_verdict *verdict = verify(&w, blocklist, evidence, now);
    int blocked = verdict != NULL && partcert_verdict_is_blocked(verdict);
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    return blocked;
}

/* The register's list at national scale: a compact snapshot, kept current
 * by deltas over it, each applied by partcert_blocklist_apply and
 * partcert_blocklist_holder_apply, which tell the object by its content.
 * Anything else (a certificate) is refused with 105 and changes nothing. */
static void a_compact_list_and_its_deltas_applied_by_content(void) {
    partcert_blocklist_entries *stolen_a = partcert_blocklist_entries_new();
    partcert_blocklist_entries *stolen_d = partcert_blocklist_entries_new();
    partcert_blocklist_entries *none = partcert_blocklist_entries_new();
    partcert_bytes *compact = NULL, *delta = NULL, *delisting = NULL, *never = NULL;
    partcert_blocklist *device = partcert_blocklist_new(), *empty = partcert_blocklist_new();
    partcert_blocklist *before, *after, *sorted = partcert_blocklist_new();
    partcert_blocklist_holder *holder = NULL;
    partcert_list_version version = {0, 0};
    partcert_object_type type = 0;
    const partcert_list_info *info;
    uint8_t digest[32];

    OK(partcert_blocklist_entries_add_reported_handset(stolen_a, bdata(w.record_a),
                                                       blen(w.record_a), PARTCERT_REASON_STOLEN,
                                                       STOLEN_AT, PARTCERT_LISTING_STATUS_FINAL,
                                                       E));
    OK(partcert_blocklist_entries_add_reported_handset(stolen_d, bdata(w.record_d),
                                                       blen(w.record_d), PARTCERT_REASON_STOLEN,
                                                       S2_AT, PARTCERT_LISTING_STATUS_FINAL, E));
    OK(partcert_authority_publish_compact_snapshot(w.publisher, PUBLISHER_EPOCH, 1, S1_AT,
                                                   S1_AT + LIST_LIFE, stolen_a, &compact, E));
    OK(partcert_object_type_of(bdata(compact), blen(compact), &type, E));
    CHECK(type == PARTCERT_OBJECT_TYPE_COMPACT_SNAPSHOT);
    /* The sorted-snapshot function does not take it; apply does. */
    CHECK_FAIL(partcert_blocklist_apply_snapshot(device, w.trust, bdata(compact), blen(compact),
                                                 S1_AT, &version, E),
               PARTCERT_RESULT_WRONG_OBJECT_TYPE, "compact");
    CHECK(partcert_blocklist_list_count(device) == 0);
    OK(partcert_blocklist_apply(device, w.trust, bdata(compact), blen(compact), S1_AT, &version,
                                E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 1);
    CHECK(partcert_blocklist_list_count(device) == 1);
    info = partcert_blocklist_list(device, 0);
    CHECK(info != NULL);
    if (info != NULL) {
        CHECK(info->version.sequence == 1);
        CHECK(info->issued_at == S1_AT && info->expires_at == S1_AT + LIST_LIFE);
        /* handset A's IMEI, board, screen, battery, and the battery's key */
        CHECK(info->entry_count == 5);
        CHECK(same_id(info->authority_key_id, partcert_authority_key_id(w.register_root)));
        CHECK(same_id(info->signer_key_id, partcert_authority_key_id(w.publisher)));
    }
    CHECK(blocks(device, w.screen_a, S1_AT + DAY));
    CHECK(!blocks(device, w.screen_d, S1_AT + DAY));

    /* A certificate is not a list: 105, naming it, and nothing changes. */
    memset(digest, 0, sizeof digest);
    if (info != NULL) memcpy(digest, info->state_digest, sizeof digest);
    version.sequence = 77;
    CHECK_FAIL(partcert_blocklist_apply(device, w.trust, bdata(w.screen_a), blen(w.screen_a),
                                        S1_AT, &version, E),
               PARTCERT_RESULT_WRONG_OBJECT_TYPE,
               "expected a blocklist snapshot, compact snapshot or delta, but this is a "
               "certificate");
    CHECK(version.sequence == 77);
    info = partcert_blocklist_list(device, 0);
    CHECK(partcert_blocklist_list_count(device) == 1);
    CHECK(info != NULL && info->version.sequence == 1 && same_id(info->state_digest, digest));

    /* The register lists handset D the next day: a delta over the compact
     * list, then one delisting handset A. */
    OK(partcert_authority_publish_delta_over(w.publisher, device, PUBLISHER_EPOCH, 2, S2_AT,
                                             S2_AT + LIST_LIFE, NULL, stolen_d, &delta, E));
    OK(partcert_object_type_of(bdata(delta), blen(delta), &type, E));
    CHECK(type == PARTCERT_OBJECT_TYPE_BLOCKLIST_DELTA);
    OK(partcert_blocklist_apply(device, w.trust, bdata(delta), blen(delta), S2_AT, &version, E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 2);
    CHECK(blocks(device, w.screen_a, NOW));
    CHECK(blocks(device, w.screen_d, NOW));
    OK(partcert_authority_publish_delta_over(w.publisher, device, PUBLISHER_EPOCH, 3,
                                             S2_AT + DAY, S2_AT + LIST_LIFE, stolen_a, none,
                                             &delisting, E));
    /* The same delta again, or the compact snapshot it replaced: refused,
     * unchanged. */
    CHECK_RC(partcert_blocklist_apply(device, w.trust, bdata(delta), blen(delta), NOW, &version,
                                      E),
             PARTCERT_RESULT_ROLLBACK);
    CHECK_RC(partcert_blocklist_apply(device, w.trust, bdata(compact), blen(compact), NOW,
                                      &version, E),
             PARTCERT_RESULT_ROLLBACK);
    OK(partcert_blocklist_apply(device, w.trust, bdata(delisting), blen(delisting), NOW, NULL,
                                E));
    info = partcert_blocklist_list(device, 0);
    CHECK(info != NULL && info->version.sequence == 3);
    CHECK(!blocks(device, w.screen_a, NOW));
    CHECK(blocks(device, w.screen_d, NOW));
    /* A delta needs the list it starts from. */
    CHECK_FAIL(partcert_authority_publish_delta_over(w.publisher, empty, PUBLISHER_EPOCH, 2,
                                                     S2_AT, S2_AT + LIST_LIFE, NULL, stolen_d,
                                                     &never, E),
               PARTCERT_RESULT_INVALID_ARGUMENT, "holds no list of authority");
    CHECK(never == NULL);

    /* The same, through a holder: each update published whole, a refused
     * one not at all. */
    OK(partcert_blocklist_holder_new(empty, &holder, E));
    OK(partcert_blocklist_holder_apply(holder, w.trust, bdata(compact), blen(compact), S1_AT,
                                       &version, E));
    CHECK(version.sequence == 1);
    before = partcert_blocklist_holder_load(holder);
    CHECK(partcert_blocklist_list_count(before) == 1);
    CHECK(blocks(before, w.screen_a, S1_AT + DAY));
    CHECK_FAIL(partcert_blocklist_holder_apply(holder, w.trust, bdata(w.record_a),
                                               blen(w.record_a), S1_AT, &version, E),
               PARTCERT_RESULT_WRONG_OBJECT_TYPE, "but this is a pairing record");
    CHECK_RC(partcert_blocklist_holder_apply(holder, w.trust, bdata(delisting), blen(delisting),
                                             S2_AT, &version, E),
             PARTCERT_RESULT_DELTA_BASE_MISMATCH);
    after = partcert_blocklist_holder_load(holder);
    CHECK(after == before); /* nothing was published */
    partcert_blocklist_free(after);
    OK(partcert_blocklist_holder_apply(holder, w.trust, bdata(delta), blen(delta), S2_AT,
                                       &version, E));
    CHECK(version.sequence == 2);
    after = partcert_blocklist_holder_load(holder);
    CHECK(after != before);
    CHECK(blocks(after, w.screen_d, NOW));
    CHECK(!blocks(before, w.screen_d, NOW)); /* a reader's snapshot never changes */
    partcert_blocklist_free(after);
    OK(partcert_blocklist_holder_apply(holder, w.trust, bdata(delisting), blen(delisting), NOW,
                                       NULL, E));
    after = partcert_blocklist_holder_load(holder);
    info = partcert_blocklist_list(after, 0);
    CHECK(info != NULL && info->version.sequence == 3);
    CHECK(!blocks(after, w.screen_a, NOW));
    partcert_blocklist_free(after);
    partcert_blocklist_free(before);

    /* Sorted snapshots and their deltas go through apply as well. */
    OK(partcert_blocklist_apply(sorted, w.trust, bdata(w.s1), blen(w.s1), S1_AT, &version, E));
    CHECK(version.sequence == 1);
    OK(partcert_blocklist_apply(sorted, w.trust, bdata(w.delta12), blen(w.delta12), S2_AT,
                                &version, E));
    CHECK(version.sequence == 2);
    CHECK(blocks(sorted, w.screen_a, NOW));

    partcert_blocklist_holder_free(holder);
    partcert_blocklist_free(sorted);
    partcert_blocklist_free(empty);
    partcert_blocklist_free(device);
    partcert_bytes_free(delisting);
    partcert_bytes_free(delta);
    partcert_bytes_free(compact);
    partcert_blocklist_entries_free(none);
    partcert_blocklist_entries_free(stolen_d);
    partcert_blocklist_entries_free(stolen_a);
}

/* Blocklist entries, added one by one: a handset by IMEI, a single part. */
static void entries_one_by_one(void) {
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_bytes *snapshot = NULL;
    partcert_blocklist *blocklist = partcert_blocklist_new();
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = verify(&w, NULL, evidence, NOW);
    const partcert_listing *listing;
    partcert_list_version version = {0, 0};
    uint8_t part_id[32];

    memcpy(part_id, partcert_verdict_part_id(verdict), 32);
    partcert_verdict_free(verdict);
    OK(partcert_blocklist_entries_add_handset(entries, IMEI_A, PARTCERT_REASON_LOST, STOLEN_AT,
                                              PARTCERT_LISTING_STATUS_SUSPENDED, E));
    OK(partcert_blocklist_entries_add_part(entries, part_id, PARTCERT_REASON_FRAUD, STOLEN_AT,
                                           PARTCERT_LISTING_STATUS_FINAL, NULL, E));
    CHECK(partcert_blocklist_entries_count(entries) == 2);
    /* The register's root may sign its own snapshots too, in any epoch. */
    OK(partcert_authority_publish_snapshot(w.register_root, 7, 5, S2_AT, S2_AT + LIST_LIFE,
                                           entries, &snapshot, E));
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(snapshot), blen(snapshot),
                                         NOW, &version, E));
    CHECK(version.epoch == 7 && version.sequence == 5);
    verdict = verify(&w, blocklist, evidence, NOW);
    listing = partcert_blocklist_status_listing(partcert_verdict_blocklist(verdict), 0);
    CHECK(listing != NULL);
    if (listing != NULL) {
        CHECK(listing->version.epoch == 7 && listing->version.sequence == 5);
        CHECK(listing->reason == PARTCERT_REASON_FRAUD);
        CHECK(!listing->has_handset);
        CHECK(listing->handset_imei == 0);
    }
    CHECK_PSTR(partcert_verdict_summary(verdict), "genuine (serial-only), unpaired, BLOCKED: fraud");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    /* The lost (suspended) handset's board. */
    evidence = evidence_for(&w, w.board_a);
    verdict = verify(&w, blocklist, evidence, NOW);
    listing = partcert_blocklist_status_listing(partcert_verdict_blocklist(verdict), 0);
    CHECK(listing != NULL);
    if (listing != NULL) {
        CHECK(listing->matched_kind == PARTCERT_BLOCK_KEY_KIND_IMEI);
        CHECK(listing->matched_imei == IMEI_A);
        CHECK(listing->status == PARTCERT_LISTING_STATUS_SUSPENDED);
    }
    CHECK_PSTR(partcert_verdict_summary(verdict),
               "genuine (serial-only), unpaired, BLOCKED: lost (suspended)");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
    partcert_bytes_free(snapshot);
    partcert_blocklist_entries_free(entries);
}

static int write_file(const char *dir, const char *name, const uint8_t *data, size_t len) {
    char path[4096];
    FILE *file;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    file = fopen(path, "wb");
    if (file == NULL) return -1;
    if (fwrite(data, 1, len, file) != len) {
        fclose(file);
        return -1;
    }
    return fclose(file);
}

static int write_bytes(const char *dir, const char *name, const partcert_bytes *bytes) {
    return write_file(dir, name, bdata(bytes), blen(bytes));
}

/* Writes the story's objects as files for the examples in examples/c/. */
static const char *fixtures_dir;

static void write_fixtures(void) {
    CHECK(write_file(fixtures_dir, "acme-root.pcrt", w.root_cert.data, w.root_cert.len) == 0);
    CHECK(write_file(fixtures_dir, "register-root.pcrt", w.register_cert.data,
                     w.register_cert.len) == 0);
    CHECK(write_bytes(fixtures_dir, "acme-line.pcrt", w.line_cert) == 0);
    CHECK(write_bytes(fixtures_dir, "blocklist.pcbl", w.s2) == 0);
    CHECK(write_bytes(fixtures_dir, "stolen-screen.pcrt", w.screen_a) == 0);
    CHECK(write_bytes(fixtures_dir, "stolen-board.pcrt", w.board_a) == 0);
    CHECK(write_bytes(fixtures_dir, "stolen-pairing.pcpr", w.record_a) == 0);
    CHECK(write_bytes(fixtures_dir, "donor-screen.pcrt", w.screen_d) == 0);
    CHECK(write_bytes(fixtures_dir, "donor-board.pcrt", w.board_d) == 0);
    CHECK(write_bytes(fixtures_dir, "donor-pairing.pcpr", w.record_d) == 0);
    CHECK(write_bytes(fixtures_dir, "blocklist-old.pcbl", w.s1) == 0);
    CHECK(write_bytes(fixtures_dir, "battery.pcrt", w.battery_a) == 0);
    {
        partcert_bytes *fake_line_cert = NULL, *fake_screen = NULL;
        make_counterfeit(&fake_line_cert, &fake_screen);
        CHECK(write_bytes(fixtures_dir, "counterfeit-line.pcrt", fake_line_cert) == 0);
        CHECK(write_bytes(fixtures_dir, "counterfeit-screen.pcrt", fake_screen) == 0);
        partcert_bytes_free(fake_line_cert);
        partcert_bytes_free(fake_screen);
    }
    {
        /* A challenge as the command-line tool writes it (hex), and the
         * battery's answer. */
        uint8_t nonce[PARTCERT_NONCE_LEN], seed[PARTCERT_SEED_LEN];
        partcert_bytes *response = NULL;
        char path[4096];
        FILE *file;
        OK(partcert_challenge_generate(nonce, E));
        seed_of(seed, BATTERY_SEED);
        OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                      &response, E));
        CHECK(write_bytes(fixtures_dir, "battery.response", response) == 0);
        partcert_bytes_free(response);
        snprintf(path, sizeof path, "%s/battery.challenge", fixtures_dir);
        file = fopen(path, "w");
        CHECK(file != NULL);
        if (file != NULL) {
            for (size_t i = 0; i < sizeof nonce; i++) fprintf(file, "%02x", nonce[i]);
            fputc('\n', file);
            CHECK(fclose(file) == 0);
        }
    }
}

int main(int argc, char **argv) {
    world_build(&w);
    RUN(harvested_screen_is_blocked);
    RUN(harvested_screen_with_a_foreign_record_stays_blocked);
    RUN(donor_screen_is_genuine_used_clean);
    RUN(an_expired_list_makes_answers_stale);
    RUN(counterfeit_screen_is_untrusted);
    RUN(keyed_battery_proves_its_key);
    RUN(board_imeis_are_signed_in);
    RUN(handset_self_check);
    RUN(self_check_reports_a_failing_part);
    RUN(rollback_is_refused_across_restarts);
    RUN(a_withheld_list_after_a_restart_reads_missing);
    RUN(a_stolen_publisher_key_is_superseded_in_the_next_epoch);
    RUN(a_listed_board_with_a_rewritten_imei_is_still_blocked);
    RUN(corrupted_saved_state_is_refused);
    RUN(stale_lists_say_why);
    RUN(a_part_made_before_its_line_was_revoked);
    RUN(makers_roots_and_pairing_services);
    RUN(a_revoked_issuer_is_refused);
    RUN(validity_is_checked_at_the_time_given);
    RUN(the_chain_pool_completes_chains);
    RUN(issuing_names_the_offending_value);
    RUN(helpers);
    RUN(entries_one_by_one);
    RUN(a_compact_list_and_its_deltas_applied_by_content);
    if (argc > 1) {
        fixtures_dir = argv[1];
        RUN(write_fixtures);
    }
    world_free(&w);
    return h_finish("test_story");
}

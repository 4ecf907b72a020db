/* The London story, told through the C ABI: a handset built and paired at
 * the factory, reported stolen, its screen harvested and offered to a
 * repair shop → BLOCKED; a clean donor screen → genuine, used, clean; a
 * counterfeit → untrusted; a keyed battery proving its key; the handset's
 * boot self-check; an attempted blocklist rollback → refused, even after a
 * restart; a list withheld after a restart → stale (missing); a stolen
 * delegated blocklist key → superseded by its root in the next epoch; a
 * rewritten IMEI on a listed board → still blocked. Every verdict field is
 * read. */
#include "world.h"

static world w;

static void check_blocked_listing(const partcert_blocklist_status *status,
                                  const uint8_t part_id[32]) {
    partcert_blocklist_state state = 0;
    partcert_listing listing;
    partcert_list_checked list;
    size_t count = 0, len = 0;
    bool stale = true;
    char name[64];
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    OK(partcert_blocklist_status_is_stale(status, &stale));
    CHECK(!stale);
    OK(partcert_blocklist_status_listing_count(status, &count));
    CHECK(count == 1);
    OK(partcert_blocklist_status_listing(status, 0, &listing));
    CHECK(listing.matched_kind == PARTCERT_BLOCK_KEY_KIND_PART);
    CHECK(memcmp(listing.matched_part_id, part_id, 32) == 0);
    CHECK(listing.matched_imei == 0);
    CHECK(listing.epoch == PUBLISHER_EPOCH);
    CHECK(listing.sequence == 2);
    CHECK(listing.reason == PARTCERT_REASON_STOLEN);
    CHECK(listing.listed_at == STOLEN_AT);
    CHECK(listing.status == PARTCERT_LISTING_STATUS_FINAL);
    CHECK(listing.has_handset);
    CHECK(listing.handset_imei == IMEI_A);
    {
        uint8_t register_id[32];
        OK(partcert_authority_key_id(w.register_root, register_id));
        CHECK(memcmp(listing.authority_key_id, register_id, 32) == 0);
        OK(partcert_blocklist_status_list_count(status, &count));
        CHECK(count == 1);
        OK(partcert_blocklist_status_list(status, 0, &list));
        CHECK(memcmp(list.authority_key_id, register_id, 32) == 0);
    }
    CHECK(list.epoch == PUBLISHER_EPOCH);
    CHECK(list.sequence == 2);
    CHECK(list.expires_at == S2_AT + LIST_LIFE);
    CHECK(!list.stale);
    CHECK(list.stale_reason == PARTCERT_STALE_REASON_NONE);
    CHECK(list.outdated_by_issued_at == 0);
    {
        static const uint8_t zeros[32];
        CHECK(memcmp(list.outdated_by_authority_key_id, zeros, 32) == 0);
    }
    CHECK_RC(partcert_blocklist_status_list_outdated_by_name(status, 0, name, sizeof name, &len),
             PARTCERT_RESULT_INVALID_ARGUMENT);
    OK(partcert_blocklist_status_listing_authority_name(status, 0, name, sizeof name, &len));
    CHECK_STR(name, "UK National Register");
    OK(partcert_blocklist_status_list_authority_name(status, 0, name, sizeof name, &len));
    CHECK_STR(name, "UK National Register");
}

/* The stolen handset's screen, harvested and offered bare to a repair shop. */
static void harvested_screen_is_blocked(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    uint8_t part_id[32], fingerprint[32], root_id[32], line_id[32], id[32];
    uint16_t kind = 0;
    size_t count = 9;
    bool flag = false;
    uint64_t checked_at = 0, since = 9;
    partcert_binding binding = 0;
    partcert_relation relation = 0;
    partcert_provenance provenance;

    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    CHECK(verdict != NULL);
    OK(partcert_verdict_is_blocked(verdict, &flag));
    CHECK(flag);
    OK(partcert_verdict_is_stale(verdict, &flag));
    CHECK(!flag);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), unpaired, BLOCKED: stolen");
    OK(partcert_verdict_part_kind(verdict, &kind));
    CHECK(kind == PARTCERT_PART_KIND_SCREEN);
    CHECK_STR(vstr(partcert_verdict_part_kind_name, verdict), "screen");
    CHECK_STR(vstr(partcert_verdict_manufacturer, verdict), "Acme");
    CHECK_STR(vstr(partcert_verdict_model, verdict), "A1");
    CHECK_STR(vstr(partcert_verdict_serial, verdict), "SCR-A");
    CHECK_STR(vstr(partcert_verdict_issuer_name, verdict), "Acme line 3");
    CHECK_STR(vstr(partcert_verdict_root_name, verdict), "Acme root");
    OK(partcert_verdict_issuer_key_id(verdict, id));
    OK(partcert_authority_key_id(w.line, line_id));
    CHECK(memcmp(id, line_id, 32) == 0);
    OK(partcert_verdict_root_key_id(verdict, id));
    OK(partcert_authority_key_id(w.root, root_id));
    CHECK(memcmp(id, root_id, 32) == 0);
    OK(partcert_verdict_part_id(verdict, part_id));
    OK(partcert_verdict_fingerprint(verdict, fingerprint));
    CHECK(memcmp(part_id, fingerprint, 32) != 0);
    OK(partcert_verdict_imei_count(verdict, &count));
    CHECK(count == 0);
    OK(partcert_verdict_binding(verdict, &binding));
    CHECK(binding == PARTCERT_BINDING_SERIAL_ONLY);
    OK(partcert_verdict_relation(verdict, &relation));
    CHECK(relation == PARTCERT_RELATION_UNPAIRED);
    flag = true;
    OK(partcert_verdict_provenance(verdict, &flag, &provenance));
    CHECK(!flag);
    CHECK(provenance.handset_imei_count == 0);
    CHECK(!provenance.certificate_renewed);
    flag = true;
    OK(partcert_verdict_issuer_revoked_since(verdict, &flag, &since));
    CHECK(!flag && since == 0);
    OK(partcert_verdict_mismatched_imei_count(verdict, &count));
    CHECK(count == 0);
    OK(partcert_verdict_checked_at(verdict, &checked_at));
    CHECK(checked_at == NOW);
    OK(partcert_verdict_blocklist(verdict, &status));
    check_blocked_listing(status, part_id);
    {
        char summary[64];
        size_t len = 0;
        OK(partcert_blocklist_status_summary(status, summary, sizeof summary, &len));
        CHECK_STR(summary, "BLOCKED: stolen");
    }
    {
        const char *json = vstr(partcert_verdict_json, verdict);
        CHECK_CONTAINS(json, "\"state\":\"blocked\"");
        CHECK_CONTAINS(json, "\"serial\":\"SCR-A\"");
        CHECK_CONTAINS(json, "\"reason\":\"stolen\"");
        CHECK_CONTAINS(json, "\"binding\":\"serial-only\"");
    }
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
}

/* A thief cannot launder the harvested screen by showing the donor's
 * clean pairing record: the record does not list it. */
static void harvested_screen_with_a_foreign_record_is_refused(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d),
                                                 blen(w.record_d)));
    CHECK_RC(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_PART_NOT_IN_PAIRING_RECORD);
    CHECK(verdict == NULL);
    /* With its own record it is still blocked, now through the handset too. */
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_a),
                                                 blen(w.record_a)));
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    {
        const partcert_blocklist_status *status = NULL;
        size_t count = 0;
        bool blocked = false;
        OK(partcert_verdict_is_blocked(verdict, &blocked));
        CHECK(blocked);
        OK(partcert_verdict_blocklist(verdict, &status));
        OK(partcert_blocklist_status_listing_count(status, &count));
        CHECK(count == 2); /* the part itself and handset A's IMEI */
    }
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), used, BLOCKED: stolen");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
}

/* Repair stays open: a genuine used screen from a clean donor handset. */
static void donor_screen_is_genuine_used_clean(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    partcert_blocklist_state state = 0;
    partcert_provenance provenance;
    partcert_relation relation = 0;
    partcert_list_checked list;
    size_t count = 9;
    bool present = false;
    uint64_t imei = 0;
    uint8_t pairing_id[32];

    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d),
                                                 blen(w.record_d)));
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    CHECK_STR(vstr(partcert_verdict_summary, verdict), "genuine (serial-only), used, clean");
    OK(partcert_verdict_relation(verdict, &relation));
    CHECK(relation == PARTCERT_RELATION_PAIRED_ELSEWHERE);
    OK(partcert_verdict_provenance(verdict, &present, &provenance));
    CHECK(present);
    CHECK(provenance.pairing_sequence == 1);
    CHECK(provenance.event == PARTCERT_PAIRING_EVENT_FACTORY_BUILD);
    CHECK(provenance.paired_at == T0 + 100);
    CHECK(provenance.handset_imei_count == 1);
    CHECK(!provenance.certificate_renewed);
    OK(partcert_authority_key_id(w.pairing, pairing_id));
    CHECK(memcmp(provenance.service_key_id, pairing_id, 32) == 0);
    OK(partcert_verdict_provenance_imei(verdict, 0, &imei));
    CHECK(imei == IMEI_D);
    CHECK_STR(vstr(partcert_verdict_provenance_service_name, verdict), "Acme pairing");
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_CLEAN);
    OK(partcert_blocklist_status_listing_count(status, &count));
    CHECK(count == 0);
    OK(partcert_blocklist_status_list_count(status, &count));
    CHECK(count == 1);
    OK(partcert_blocklist_status_list(status, 0, &list));
    CHECK(list.epoch == PUBLISHER_EPOCH && list.sequence == 2);
    CHECK(list.stale_reason == PARTCERT_STALE_REASON_NONE);
    partcert_verdict_free(verdict);

    /* Verified by handset D itself, the screen is at home. */
    {
        const uint64_t host[] = {IMEI_D};
        OK(partcert_verify_part(w.trust, blocklist, host, 1, evidence, NOW, &verdict));
        OK(partcert_verdict_relation(verdict, &relation));
        CHECK(relation == PARTCERT_RELATION_PAIRED_HERE);
        CHECK_STR(vstr(partcert_verdict_summary, verdict),
                  "genuine (serial-only), fitted in this handset, clean");
        partcert_verdict_free(verdict);
    }
    /* Without a blocklist the standing is "not checked". */
    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_NOT_CHECKED);
    CHECK_CONTAINS(vstr(partcert_verdict_json, verdict), "\"state\":\"not-checked\"");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
}

/* Once the list has expired, a clean answer is marked stale. */
static void an_expired_list_makes_answers_stale(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_part_evidence *donor = evidence_for(&w, w.screen_d);
    partcert_part_evidence *stolen = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    partcert_blocklist_state state = 0;
    bool stale = false;
    const uint64_t later = S2_AT + LIST_LIFE + DAY;

    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, donor, later, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_STALE);
    OK(partcert_verdict_is_stale(verdict, &stale));
    CHECK(stale);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), unpaired, clean but blocklist stale "
              "(UK National Register: expired)");
    {
        partcert_list_checked list;
        OK(partcert_blocklist_status_list(status, 0, &list));
        CHECK(list.stale);
        CHECK(list.stale_reason == PARTCERT_STALE_REASON_EXPIRED);
    }
    partcert_verdict_free(verdict);

    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, stolen, later, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    OK(partcert_blocklist_status_is_stale(status, &stale));
    CHECK(stale);
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
    partcert_result rc;

    make_counterfeit(&fake_line_cert, &fake_screen);
    OK(partcert_part_evidence_new(bdata(fake_screen), blen(fake_screen), &evidence));
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(fake_line_cert),
                                                    blen(fake_line_cert)));
    rc = partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict);
    CHECK_RC(rc, PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK(rc / 100 == 2);
    CHECK(verdict == NULL);
    {
        char message[128];
        size_t len = 0;
        OK(partcert_result_message(rc, message, sizeof message, &len));
        CHECK_STR(message, "the issuer is not trusted");
    }
    partcert_part_evidence_free(evidence);
    /* Without the chain at all, the same. */
    OK(partcert_part_evidence_new(bdata(fake_screen), blen(fake_screen), &evidence));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict),
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
    partcert_verdict *verdict = NULL;
    partcert_binding binding = 0;

    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_binding(verdict, &binding));
    CHECK(binding == PARTCERT_BINDING_KEY_NOT_CHALLENGED);
    partcert_verdict_free(verdict);

    OK(partcert_challenge_generate(nonce));
    OK(partcert_challenge_generate(other));
    CHECK(memcmp(nonce, other, sizeof nonce) != 0);
    seed_of(seed, BATTERY_SEED);
    OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                  &response));
    {
        partcert_object_type type = 0;
        OK(partcert_object_type_of(bdata(response), blen(response), &type));
        CHECK(type == PARTCERT_OBJECT_TYPE_CHALLENGE_RESPONSE);
        CHECK(blen(response) <= PARTCERT_MAX_CHALLENGE_RESPONSE_LEN);
    }
    OK(partcert_part_evidence_set_challenge(evidence, nonce, bdata(response), blen(response)));
    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_binding(verdict, &binding));
    CHECK(binding == PARTCERT_BINDING_KEY_PROVEN);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (key-proven), unpaired, blocklist not checked");
    partcert_verdict_free(verdict);

    /* A recorded answer replayed against a fresh challenge fails. */
    OK(partcert_part_evidence_set_challenge(evidence, other, bdata(response), blen(response)));
    verdict = NULL;
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_WRONG_CHALLENGE_RESPONSE);
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);

    /* A challenge response for a part without a key. */
    evidence = evidence_for(&w, w.screen_d);
    OK(partcert_part_evidence_set_challenge(evidence, nonce, bdata(response), blen(response)));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_NO_PART_KEY);
    partcert_part_evidence_free(evidence);
    partcert_bytes_free(response);
}

/* A board's IMEIs are signed in: a flashed IMEI no longer matches. */
static void board_imeis_are_signed_in(void) {
    partcert_part_evidence *evidence = evidence_for(&w, w.board_d);
    partcert_verdict *verdict = NULL;
    size_t count = 0;
    uint64_t imei = 0;

    OK(partcert_part_evidence_add_presented_imei(evidence, IMEI_D));
    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_imei_count(verdict, &count));
    CHECK(count == 1);
    OK(partcert_verdict_imei(verdict, 0, &imei));
    CHECK(imei == IMEI_D);
    CHECK_STR(vstr(partcert_verdict_part_kind_name, verdict), "board");
    partcert_verdict_free(verdict);
    verdict = NULL;
    OK(partcert_part_evidence_add_presented_imei(evidence, IMEI_A));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_IMEI_MISMATCH);
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);
}

static partcert_part_evidence *fitted(const partcert_bytes *part) {
    return evidence_for(&w, part);
}

/* The boot self-check of the stolen handset and of the donor. */
static void handset_self_check(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report = NULL;
    partcert_part_evidence *board = fitted(w.board_a), *screen = fitted(w.screen_a),
                           *battery = fitted(w.battery_a);
    const partcert_blocklist_status *status = NULL;
    partcert_blocklist_state state = 0;
    partcert_result outcome = 1;
    partcert_verdict *verdict = NULL;
    partcert_relation relation = 0;
    uint8_t nonce[32], seed[32], fingerprint[32], expected[32];
    partcert_bytes *response = NULL;
    size_t count = 0, len = 0;
    uint64_t value = 0;
    bool all_clean = true;
    char message[256];

    OK(partcert_challenge_generate(nonce));
    seed_of(seed, BATTERY_SEED);
    OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                  &response));
    OK(partcert_part_evidence_set_challenge(battery, nonce, bdata(response), blen(response)));
    OK(partcert_handset_evidence_new(bdata(w.record_a), blen(w.record_a), &handset));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_A));
    OK(partcert_handset_evidence_add_part(handset, board));
    OK(partcert_handset_evidence_add_part(handset, screen));
    OK(partcert_handset_evidence_add_part(handset, battery));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report));

    OK(partcert_handset_report_imei_count(report, &count));
    CHECK(count == 1);
    OK(partcert_handset_report_imei(report, 0, &value));
    CHECK(value == IMEI_A);
    OK(partcert_handset_report_pairing_sequence(report, &value));
    CHECK(value == 1);
    OK(partcert_handset_report_checked_at(report, &value));
    CHECK(value == NOW);
    OK(partcert_handset_report_blocklist(report, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    OK(partcert_handset_report_all_original_and_clean(report, &all_clean));
    CHECK(!all_clean);
    {
        bool flag = false;
        OK(partcert_handset_report_is_blocked(report, &flag));
        CHECK(flag);
        OK(partcert_handset_report_is_stale(report, &flag));
        CHECK(!flag);
        OK(partcert_handset_report_has_refused_parts(report, &flag));
        CHECK(!flag);
    }
    OK(partcert_handset_report_part_count(report, &count));
    CHECK(count == 3);
    for (size_t i = 0; i < count; i++) {
        OK(partcert_handset_report_part_outcome(report, i, &outcome));
        CHECK(outcome == PARTCERT_RESULT_OK);
        OK(partcert_handset_report_part_message(report, i, message, sizeof message, &len));
        CHECK_STR(message, "ok");
        OK(partcert_handset_report_part_verdict(report, i, &verdict));
        OK(partcert_verdict_relation(verdict, &relation));
        CHECK(relation == PARTCERT_RELATION_PAIRED_HERE);
        partcert_verdict_free(verdict);
    }
    OK(partcert_handset_report_part_verdict(report, 2, &verdict));
    {
        partcert_binding binding = 0;
        OK(partcert_verdict_binding(verdict, &binding));
        CHECK(binding == PARTCERT_BINDING_KEY_PROVEN);
        OK(partcert_verdict_fingerprint(verdict, expected));
    }
    partcert_verdict_free(verdict);
    OK(partcert_handset_report_part_fingerprint(report, 2, fingerprint));
    CHECK(memcmp(fingerprint, expected, 32) == 0);
    OK(partcert_handset_report_missing_count(report, &count));
    CHECK(count == 0);
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(board);
    partcert_part_evidence_free(screen);
    partcert_part_evidence_free(battery);
    partcert_bytes_free(response);

    /* The donor, with its screen gone and a stranger's (stolen) screen
     * fitted: the missing part is named, the stranger is blocked. */
    board = fitted(w.board_d);
    screen = fitted(w.screen_a);
    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_D));
    OK(partcert_handset_evidence_add_part(handset, board));
    OK(partcert_handset_evidence_add_part(handset, screen));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report));
    OK(partcert_handset_report_blocklist(report, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_CLEAN);
    OK(partcert_handset_report_missing_count(report, &count));
    CHECK(count == 1);
    {
        partcert_paired_part missing;
        partcert_verdict *donor_screen = NULL;
        partcert_part_evidence *donor_evidence = fitted(w.screen_d);
        uint8_t part_id[32];
        OK(partcert_handset_report_missing(report, 0, &missing));
        CHECK(missing.kind == PARTCERT_PART_KIND_SCREEN);
        OK(partcert_verify_part(w.trust, NULL, NULL, 0, donor_evidence, NOW, &donor_screen));
        OK(partcert_verdict_part_id(donor_screen, part_id));
        CHECK(memcmp(missing.part_id, part_id, 32) == 0);
        OK(partcert_verdict_fingerprint(donor_screen, part_id));
        CHECK(memcmp(missing.certificate_fingerprint, part_id, 32) == 0);
        partcert_verdict_free(donor_screen);
        partcert_part_evidence_free(donor_evidence);
    }
    OK(partcert_handset_report_part_verdict(report, 1, &verdict));
    {
        bool blocked = false;
        OK(partcert_verdict_is_blocked(verdict, &blocked));
        CHECK(blocked);
        OK(partcert_verdict_relation(verdict, &relation));
        CHECK(relation == PARTCERT_RELATION_UNPAIRED);
    }
    partcert_verdict_free(verdict);
    OK(partcert_handset_report_all_original_and_clean(report, &all_clean));
    CHECK(!all_clean);
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(screen);

    /* The donor as built: all original and clean. */
    screen = fitted(w.screen_d);
    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_D));
    OK(partcert_handset_evidence_add_part(handset, board));
    OK(partcert_handset_evidence_add_part(handset, screen));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report));
    OK(partcert_handset_report_all_original_and_clean(report, &all_clean));
    CHECK(all_clean);
    {
        bool flag = true;
        OK(partcert_handset_report_is_blocked(report, &flag));
        CHECK(!flag);
        flag = false;
        OK(partcert_handset_report_all_original(report, &flag));
        CHECK(flag);
    }
    /* Without any blocklist the donor is as recorded, but not known clean. */
    {
        partcert_handset_report *unchecked = NULL;
        bool flag = false;
        OK(partcert_verify_handset(w.trust, NULL, handset, NOW, &unchecked));
        OK(partcert_handset_report_all_original(unchecked, &flag));
        CHECK(flag);
        OK(partcert_handset_report_all_original_and_clean(unchecked, &flag));
        CHECK(!flag);
        partcert_handset_report_free(unchecked);
    }
    {
        char json[16384];
        OK(partcert_handset_report_json(report, json, sizeof json, &len));
        CHECK_CONTAINS(json, "\"all_original_and_clean\":true");
        CHECK_CONTAINS(json, "\"handset_imeis\":[\"490154203237518\"]");
    }
    partcert_handset_report_free(report);

    /* A modem reporting another IMEI: the record is not this handset's. */
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_X));
    report = NULL;
    CHECK_RC(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report),
             PARTCERT_RESULT_IMEI_MISMATCH);
    CHECK(report == NULL);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(board);
    partcert_part_evidence_free(screen);
    partcert_blocklist_free(blocklist);
}

/* A part whose certificate fails inside a self-check: the report carries
 * its error and detailed message, and the check as a whole succeeds. */
static void self_check_reports_a_failing_part(void) {
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report = NULL;
    partcert_part_evidence *screen = NULL;
    partcert_result outcome = 0;
    partcert_verdict *verdict = NULL;
    char message[256];
    size_t len = 0;

    OK(partcert_part_evidence_new(bdata(w.screen_d), blen(w.screen_d), &screen)); /* no chain */
    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset));
    OK(partcert_handset_evidence_add_part(handset, screen));
    OK(partcert_verify_handset(w.trust, NULL, handset, NOW, &report));
    OK(partcert_handset_report_part_outcome(report, 0, &outcome));
    CHECK(outcome == PARTCERT_RESULT_UNKNOWN_ISSUER);
    OK(partcert_handset_report_part_message(report, 0, message, sizeof message, &len));
    CHECK_CONTAINS(message, "unknown issuer");
    CHECK_RC(partcert_handset_report_part_verdict(report, 0, &verdict),
             PARTCERT_RESULT_UNKNOWN_ISSUER);
    CHECK(verdict == NULL);
    {
        char json[8192];
        OK(partcert_handset_report_json(report, json, sizeof json, &len));
        CHECK(strlen(json) == len);
        CHECK_CONTAINS(json, "\"error\":{\"code\":201,\"name\":\"UnknownIssuer\"");
        CHECK_CONTAINS(json, "\"all_original_and_clean\":false");
    }
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(screen);
}

/* Anti-rollback: an older list is refused, also after a restart from the
 * persisted state. */
static void rollback_is_refused_across_restarts(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w), *restarted = NULL;
    uint8_t state[PARTCERT_MAX_ROLLBACK_STATE_LEN], register_id[32], publisher_id[32];
    size_t state_len = 0, count = 0;
    uint64_t clock = 0;
    partcert_list_version version = {77, 77};
    partcert_list_info info;
    char name[64];

    CHECK_RC(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(w.s1), blen(w.s1),
                                               NOW, &version),
             PARTCERT_RESULT_ROLLBACK);
    CHECK(version.epoch == 77 && version.sequence == 77);
    /* The same list again is fine and changes nothing. */
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                         &version));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 2);
    OK(partcert_blocklist_list_count(blocklist, &count));
    CHECK(count == 1);
    OK(partcert_blocklist_list(blocklist, 0, &info));
    OK(partcert_authority_key_id(w.register_root, register_id));
    OK(partcert_authority_key_id(w.publisher, publisher_id));
    CHECK(memcmp(info.authority_key_id, register_id, 32) == 0);
    CHECK(memcmp(info.signer_key_id, publisher_id, 32) == 0);
    CHECK(info.epoch == PUBLISHER_EPOCH);
    CHECK(info.sequence == 2);
    CHECK(info.issued_at == S2_AT);
    CHECK(info.expires_at == S2_AT + LIST_LIFE);
    CHECK(info.entry_count == 4); /* IMEI, board, screen, battery */
    OK(partcert_blocklist_list_authority_name(blocklist, 0, name, sizeof name, &count));
    CHECK_STR(name, "UK National Register");
    /* The register's clock never runs behind its newest list; another
     * authority's clock is the caller's. */
    OK(partcert_blocklist_clock_for(blocklist, w.trust, register_id, T0, &clock));
    CHECK(clock == S2_AT);
    OK(partcert_blocklist_clock_for(blocklist, w.trust, register_id, NOW, &clock));
    CHECK(clock == NOW);
    OK(partcert_blocklist_clock_for(blocklist, w.trust, publisher_id, T0, &clock));
    CHECK(clock == T0);

    OK(partcert_blocklist_rollback_state(blocklist, state, sizeof state, &state_len));
    CHECK(state_len > 0 && state_len <= sizeof state);
    OK(partcert_blocklist_new_with_rollback_state(state, state_len, &restarted));
    CHECK_RC(partcert_blocklist_apply_snapshot(restarted, w.trust, bdata(w.s1), blen(w.s1),
                                               NOW, &version),
             PARTCERT_RESULT_ROLLBACK);
    /* The restarted device holds no entries until it is given s2 again,
     * but still keeps the register's clock. */
    OK(partcert_blocklist_list_count(restarted, &count));
    CHECK(count == 0);
    OK(partcert_blocklist_clock_for(restarted, w.trust, register_id, T0, &clock));
    CHECK(clock == S2_AT);
    OK(partcert_blocklist_apply_snapshot(restarted, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                         &version));
    CHECK(version.sequence == 2);
    /* A delta from s1 cannot apply to s2. */
    CHECK_RC(partcert_blocklist_apply_delta(restarted, w.trust, bdata(w.delta12),
                                            blen(w.delta12), NOW, &version),
             PARTCERT_RESULT_ROLLBACK);
    partcert_blocklist_free(restarted);

    /* The whole state the snapshot led to, saved and reloaded after a reboot. */
    {
        size_t needed = 0;
        partcert_blocklist *reloaded = NULL;
        CHECK_RC(partcert_blocklist_save_state(blocklist, NULL, 0, &needed),
                 PARTCERT_RESULT_BUFFER_TOO_SMALL);
        uint8_t *saved = malloc(needed);
        CHECK(saved != NULL);
        OK(partcert_blocklist_save_state(blocklist, saved, needed, &state_len));
        CHECK(state_len == needed);
        OK(partcert_blocklist_new_from_saved_state(w.trust, saved, state_len, &reloaded));
        OK(partcert_blocklist_list_count(reloaded, &count));
        CHECK(count == 1);
        OK(partcert_blocklist_list(reloaded, 0, &info));
        CHECK(info.epoch == PUBLISHER_EPOCH && info.sequence == 2);
        CHECK_RC(partcert_blocklist_apply_snapshot(reloaded, w.trust, bdata(w.s1), blen(w.s1),
                                                   NOW, &version),
                 PARTCERT_RESULT_ROLLBACK);
        partcert_blocklist_free(reloaded);
        /* A copy cut short no longer matches its checksum: refused whole. */
        reloaded = NULL;
        CHECK_RC(partcert_blocklist_new_from_saved_state(w.trust, saved, state_len - 1, &reloaded),
                 PARTCERT_RESULT_CORRUPT_STATE);
        CHECK(reloaded == NULL);
        free(saved);
    }
    partcert_blocklist_free(blocklist);
}

/* A device restarted from its anti-rollback marks still follows the
 * register: with the list withheld after the restart (a thief keeping the
 * update away), answers read stale, naming the missing list, never clean. */
static void a_withheld_list_after_a_restart_reads_missing(void) {
    partcert_blocklist *before = blocklist_at_s2(&w), *restarted = NULL, *fresh = NULL;
    partcert_part_evidence *donor = evidence_for(&w, w.screen_d);
    partcert_part_evidence *stolen = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    partcert_blocklist_state state = 0;
    partcert_list_checked list;
    partcert_list_version version = {0, 0};
    uint8_t marks[PARTCERT_MAX_ROLLBACK_STATE_LEN], register_id[32];
    size_t len = 0, count = 9;
    bool flag = true;
    char text[128];

    OK(partcert_blocklist_rollback_state(before, marks, sizeof marks, &len));
    partcert_blocklist_free(before);
    OK(partcert_authority_key_id(w.register_root, register_id));

    /* A device that never followed any list: "not checked". */
    OK(partcert_blocklist_new(&fresh));
    OK(partcert_blocklist_follows_any(fresh, &flag));
    CHECK(!flag);
    OK(partcert_verify_part(w.trust, fresh, NULL, 0, donor, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_NOT_CHECKED);
    partcert_verdict_free(verdict);
    partcert_blocklist_free(fresh);

    /* Restarted from its marks, holding no list. */
    OK(partcert_blocklist_new_with_rollback_state(marks, len, &restarted));
    flag = false;
    OK(partcert_blocklist_follows_any(restarted, &flag));
    CHECK(flag);
    OK(partcert_blocklist_list_count(restarted, &count));
    CHECK(count == 0);
    OK(partcert_verify_part(w.trust, restarted, NULL, 0, donor, NOW, &verdict));
    flag = false;
    OK(partcert_verdict_is_stale(verdict, &flag));
    CHECK(flag);
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_STALE);
    OK(partcert_blocklist_status_list_count(status, &count));
    CHECK(count == 1);
    OK(partcert_blocklist_status_list(status, 0, &list));
    CHECK(memcmp(list.authority_key_id, register_id, 32) == 0);
    CHECK(list.stale);
    CHECK(list.stale_reason == PARTCERT_STALE_REASON_MISSING);
    CHECK(list.epoch == PUBLISHER_EPOCH && list.sequence == 2); /* the mark's */
    CHECK(list.expires_at == S2_AT + LIST_LIFE);
    OK(partcert_blocklist_status_list_authority_name(status, 0, text, sizeof text, &len));
    CHECK_STR(text, "UK National Register");
    OK(partcert_blocklist_status_summary(status, text, sizeof text, &len));
    CHECK_STR(text, "clean but blocklist stale (UK National Register: missing)");
    CHECK_CONTAINS(vstr(partcert_verdict_json, verdict), "\"stale_reason\":{\"kind\":\"missing\"}");
    partcert_verdict_free(verdict);

    /* The stolen screen is not found while its list is withheld, but it is
     * not passed as clean either. */
    OK(partcert_verify_part(w.trust, restarted, NULL, 0, stolen, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_STALE);
    partcert_verdict_free(verdict);

    /* Once the list arrives again, answers are current. */
    OK(partcert_blocklist_apply_snapshot(restarted, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                         &version));
    OK(partcert_verify_part(w.trust, restarted, NULL, 0, stolen, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_state(status, &state));
    CHECK(state == PARTCERT_BLOCKLIST_STATE_BLOCKED);
    OK(partcert_blocklist_status_is_stale(status, &flag));
    CHECK(!flag);
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(donor);
    partcert_part_evidence_free(stolen);
    partcert_blocklist_free(restarted);
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
    partcert_blocklist_entries *empty = NULL, *listed = NULL;
    partcert_bytes *thief = NULL, *forged = NULL, *correction = NULL, *next = NULL,
                   *delta = NULL;
    partcert_authority *publisher2 = NULL;
    partcert_part_evidence *stolen = evidence_for(&w, w.screen_a);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    partcert_listing listing;
    partcert_list_version version = {0, 0};
    uint8_t register_id[32];
    bool blocked = true;
    const uint64_t thief_at = S2_AT + DAY, fix_at = S2_AT + 2 * DAY;
    const uint64_t next_epoch = PUBLISHER_EPOCH + 1;

    OK(partcert_authority_key_id(w.register_root, register_id));
    OK(partcert_blocklist_entries_new(&empty));
    OK(partcert_blocklist_entries_new(&listed));
    OK(partcert_blocklist_entries_add_reported_handset(listed, bdata(w.record_a),
                                                       blen(w.record_a),
                                                       PARTCERT_REASON_STOLEN, STOLEN_AT,
                                                       PARTCERT_LISTING_STATUS_FINAL));

    /* The thief's list: the largest sequence there is, handset A gone. */
    OK(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, PARTCERT_MAX_SEQUENCE,
                                           thief_at, thief_at + LIST_LIFE, empty, &thief));
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(thief), blen(thief),
                                         thief_at, &version));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == PARTCERT_MAX_SEQUENCE);
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, stolen, thief_at, &verdict));
    OK(partcert_verdict_is_blocked(verdict, &blocked));
    CHECK(!blocked);
    partcert_verdict_free(verdict);
    /* One past the largest sequence is refused outright. */
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH,
                                                 PARTCERT_MAX_SEQUENCE + 1, thief_at,
                                                 thief_at + LIST_LIFE, empty, &forged),
             PARTCERT_RESULT_SEQUENCE_LEAP);

    /* The stolen key cannot sign for the next epoch … */
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, next_epoch, 1, fix_at,
                                                 fix_at + LIST_LIFE, empty, &forged),
             PARTCERT_RESULT_EPOCH_NOT_PERMITTED);
    CHECK(forged == NULL);
    /* … and a list of its epoch rewritten to claim the next one is refused
     * by every verifier. */
    {
        uint8_t copy[4096];
        long at;
        partcert_blocklist *probe = NULL;
        partcert_list_version untouched = {5, 5};
        CHECK(blen(thief) <= sizeof copy);
        memcpy(copy, bdata(thief), blen(thief));
        at = epoch_offset(copy, blen(thief), register_id);
        CHECK(at > 0 && copy[at] == PUBLISHER_EPOCH);
        if (at > 0) copy[at] = (uint8_t)next_epoch;
        OK(partcert_blocklist_new(&probe));
        CHECK_RC(partcert_blocklist_apply_snapshot(probe, w.trust, copy, blen(thief), thief_at,
                                                   &untouched),
                 PARTCERT_RESULT_EPOCH_NOT_PERMITTED);
        CHECK(untouched.epoch == 5 && untouched.sequence == 5);
        partcert_blocklist_free(probe);
    }

    /* The register's root corrects the list in the next epoch, from 1. */
    OK(partcert_authority_publish_snapshot(w.register_root, next_epoch, 1, fix_at,
                                           fix_at + LIST_LIFE, listed, &correction));
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(correction),
                                         blen(correction), fix_at, &version));
    CHECK(version.epoch == next_epoch && version.sequence == 1);
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, stolen, fix_at, &verdict));
    OK(partcert_verdict_is_blocked(verdict, &blocked));
    CHECK(blocked);
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_listing(status, 0, &listing));
    CHECK(listing.epoch == next_epoch && listing.sequence == 1);
    partcert_verdict_free(verdict);
    /* The thief's list is now old. */
    CHECK_RC(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(thief), blen(thief),
                                               fix_at, &version),
             PARTCERT_RESULT_ROLLBACK);
    CHECK(version.epoch == next_epoch && version.sequence == 1);

    /* A new publisher, certified for the new epoch, carries on. */
    publisher2 = make_publisher(w.register_root, "UK register publisher 2", 6, next_epoch, 3);
    OK(partcert_authority_publish_snapshot(publisher2, next_epoch, 2, fix_at + DAY,
                                           fix_at + DAY + LIST_LIFE, listed, &next));
    OK(partcert_authority_publish_delta(publisher2, bdata(correction), blen(correction),
                                        bdata(next), blen(next), &delta));
    OK(partcert_blocklist_apply_delta(blocklist, w.trust, bdata(delta), blen(delta),
                                      fix_at + DAY, &version));
    CHECK(version.epoch == next_epoch && version.sequence == 2);
    /* A delta never crosses epochs: a new epoch starts with a snapshot. */
    partcert_bytes_free(delta);
    delta = NULL;
    CHECK_RC(partcert_authority_publish_delta(publisher2, bdata(w.s2), blen(w.s2), bdata(next),
                                              blen(next), &delta),
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
    partcert_part_evidence *screen = NULL;
    size_t count = 0;
    uint64_t imei = 0;
    bool flag = false;

    /* Handset A's board (listed), its modem now reporting IMEI_D. */
    OK(partcert_part_evidence_add_presented_imei(board, IMEI_D));
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, board, NOW, &verdict));
    OK(partcert_verdict_is_blocked(verdict, &flag));
    CHECK(flag);
    OK(partcert_verdict_mismatched_imei_count(verdict, &count));
    CHECK(count == 1);
    OK(partcert_verdict_mismatched_imei(verdict, 0, &imei));
    CHECK(imei == IMEI_D);
    CHECK_RC(partcert_verdict_mismatched_imei(verdict, 1, &imei), PARTCERT_RESULT_INVALID_ARGUMENT);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), unpaired, BLOCKED: stolen, "
              "modem IMEI does not match the board");
    CHECK_CONTAINS(vstr(partcert_verdict_json, verdict),
                   "\"mismatched_imeis\":[\"490154203237518\"]");
    partcert_verdict_free(verdict);
    verdict = NULL;
    /* Without the blocklist nothing outranks the mismatch: 305. */
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, board, NOW, &verdict),
             PARTCERT_RESULT_IMEI_MISMATCH);
    CHECK(verdict == NULL);
    partcert_part_evidence_free(board);

    /* The clean donor's board presenting the stolen handset's listed IMEI. */
    board = evidence_for(&w, w.board_d);
    OK(partcert_part_evidence_add_presented_imei(board, IMEI_A));
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, board, NOW, &verdict));
    OK(partcert_verdict_is_blocked(verdict, &flag));
    CHECK(flag);
    OK(partcert_verdict_mismatched_imei(verdict, 0, &imei));
    CHECK(imei == IMEI_A);
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(board);

    /* Handset A's self-check, its modem reporting a second, foreign IMEI:
     * the report is blocked and names it. */
    board = evidence_for(&w, w.board_a);
    screen = evidence_for(&w, w.screen_a);
    OK(partcert_handset_evidence_new(bdata(w.record_a), blen(w.record_a), &handset));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_A));
    OK(partcert_handset_evidence_add_modem_imei(handset, IMEI_X));
    OK(partcert_handset_evidence_add_part(handset, board));
    OK(partcert_handset_evidence_add_part(handset, screen));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report));
    OK(partcert_handset_report_is_blocked(report, &flag));
    CHECK(flag);
    OK(partcert_handset_report_mismatched_modem_imei_count(report, &count));
    CHECK(count == 1);
    OK(partcert_handset_report_mismatched_modem_imei(report, 0, &imei));
    CHECK(imei == IMEI_X);
    CHECK_RC(partcert_handset_report_mismatched_modem_imei(report, 1, &imei),
             PARTCERT_RESULT_INVALID_ARGUMENT);
    OK(partcert_handset_report_all_original(report, &flag));
    CHECK(!flag);
    OK(partcert_handset_report_part_verdict(report, 0, &verdict));
    OK(partcert_verdict_mismatched_imei_count(verdict, &count));
    CHECK(count == 1);
    partcert_verdict_free(verdict);
    {
        char json[16384];
        size_t len = 0;
        OK(partcert_handset_report_json(report, json, sizeof json, &len));
        CHECK_CONTAINS(json, "\"mismatched_modem_imeis\":[\"350000000000006\"]");
    }
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_part_evidence_free(board);
    partcert_part_evidence_free(screen);
    partcert_blocklist_free(blocklist);
}

/* Saved state is checksummed: a corrupted copy is refused whole (112). */
static void corrupted_saved_state_is_refused(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w), *reloaded = NULL;
    uint8_t marks[PARTCERT_MAX_ROLLBACK_STATE_LEN];
    uint8_t *saved = NULL;
    size_t len = 0, needed = 0;
    char text[128];

    CHECK_RC(partcert_blocklist_save_state(blocklist, NULL, 0, &needed),
             PARTCERT_RESULT_BUFFER_TOO_SMALL);
    saved = malloc(needed);
    CHECK(saved != NULL);
    if (saved == NULL) return;
    OK(partcert_blocklist_save_state(blocklist, saved, needed, &len));
    OK(partcert_blocklist_new_from_saved_state(w.trust, saved, len, &reloaded));
    partcert_blocklist_free(reloaded);
    reloaded = NULL;
    saved[len / 2] ^= 0x04; /* one bit rots on disk */
    CHECK_RC(partcert_blocklist_new_from_saved_state(w.trust, saved, len, &reloaded),
             PARTCERT_RESULT_CORRUPT_STATE);
    CHECK(reloaded == NULL);
    free(saved);

    OK(partcert_blocklist_rollback_state(blocklist, marks, sizeof marks, &len));
    marks[len - 1] ^= 0x80; /* in the checksum itself */
    CHECK_RC(partcert_blocklist_new_with_rollback_state(marks, len, &reloaded),
             PARTCERT_RESULT_CORRUPT_STATE);
    CHECK(reloaded == NULL);
    OK(partcert_result_name(PARTCERT_RESULT_CORRUPT_STATE, text, sizeof text, &len));
    CHECK_STR(text, "CorruptState");
    OK(partcert_result_message(112, text, sizeof text, &len));
    CHECK_STR(text, "saved state is corrupt (checksum mismatch)");
    partcert_blocklist_free(blocklist);
}

/* Stale lists say why: signed by a key since revoked, or outdated by
 * another authority's newer list (which only flags, never refuses). */
static void stale_lists_say_why(void) {
    partcert_blocklist *blocklist = blocklist_at_s2(&w);
    partcert_trust_store *trust = NULL;
    partcert_bytes *revocation = NULL, *operator_cert = NULL, *operator_list = NULL;
    partcert_authority *operator_root = NULL;
    partcert_blocklist_entries *entries = NULL;
    partcert_part_evidence *donor = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    partcert_list_checked list;
    partcert_list_version version = {0, 0};
    partcert_revoked_key revoked;
    uint8_t register_id[32], operator_id[32], seed[PARTCERT_SEED_LEN];
    uint64_t sequence = 0;
    size_t count = 0, len = 0, register_index = 0;
    char text[128];
    const uint64_t operator_at = S2_AT + LIST_LIFE + DAY; /* after s2 expires */

    OK(partcert_authority_key_id(w.register_root, register_id));

    /* Another authority, whose list was issued after the register's expired:
     * the device's clock (NOW) may be behind. */
    seed_of(seed, 60);
    OK(partcert_authority_new_blocklist_root(seed, "Operator", 8, T0, YEARS(30),
                                             &operator_root));
    OK(partcert_authority_certificate(operator_root, &operator_cert));
    OK(partcert_trust_store_clone(w.trust, &trust));
    OK(partcert_trust_store_add_blocklist_root(trust, bdata(operator_cert), blen(operator_cert),
                                               operator_id));
    OK(partcert_blocklist_entries_new(&entries));
    OK(partcert_authority_publish_snapshot(operator_root, 0, 1, operator_at,
                                           operator_at + LIST_LIFE, entries, &operator_list));
    OK(partcert_blocklist_apply_snapshot(blocklist, trust, bdata(operator_list),
                                         blen(operator_list), operator_at, &version));
    CHECK(version.epoch == 0 && version.sequence == 1);
    OK(partcert_verify_part(trust, blocklist, NULL, 0, donor, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_list_count(status, &count));
    CHECK(count == 2);
    for (size_t i = 0; i < count; i++) {
        OK(partcert_blocklist_status_list(status, i, &list));
        if (memcmp(list.authority_key_id, register_id, 32) == 0) register_index = i;
    }
    OK(partcert_blocklist_status_list(status, register_index, &list));
    CHECK(list.stale);
    CHECK(list.stale_reason == PARTCERT_STALE_REASON_OUTDATED_BY);
    CHECK(memcmp(list.outdated_by_authority_key_id, operator_id, 32) == 0);
    CHECK(list.outdated_by_issued_at == operator_at);
    OK(partcert_blocklist_status_list_outdated_by_name(status, register_index, text,
                                                       sizeof text, &len));
    CHECK_STR(text, "Operator");
    CHECK_RC(partcert_blocklist_status_list_outdated_by_name(status, 1 - register_index, text,
                                                             sizeof text, &len),
             PARTCERT_RESULT_INVALID_ARGUMENT);
    OK(partcert_blocklist_status_summary(status, text, sizeof text, &len));
    CHECK_STR(text, "clean but blocklist stale (UK National Register: outdated by Operator)");
    partcert_verdict_free(verdict);
    partcert_blocklist_free(blocklist);

    /* The register revokes its publisher's key: lists it signed read stale. */
    blocklist = blocklist_at_s2(&w);
    OK(partcert_authority_key_id(w.publisher, revoked.key_id));
    revoked.since = S2_AT + DAY;
    OK(partcert_authority_revoke(w.register_root, 1, NOW, &revoked, 1, &revocation));
    OK(partcert_trust_store_apply_revocation_list(trust, bdata(revocation), blen(revocation),
                                                  &sequence));
    OK(partcert_verify_part(trust, blocklist, NULL, 0, donor, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    for (size_t i = 0; i < 2; i++) {
        if (partcert_blocklist_status_list(status, i, &list) == PARTCERT_RESULT_OK &&
            memcmp(list.authority_key_id, register_id, 32) == 0)
            break;
    }
    CHECK(memcmp(list.authority_key_id, register_id, 32) == 0);
    CHECK(list.stale_reason == PARTCERT_STALE_REASON_SIGNER_REVOKED);
    partcert_verdict_free(verdict);

    partcert_bytes_free(revocation);
    partcert_bytes_free(operator_cert);
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
    partcert_trust_store *trust = NULL;
    partcert_bytes *revocation = NULL;
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    partcert_revoked_key revoked;
    uint64_t sequence = 0, since = 0;
    bool flag = false;
    const uint64_t leaked_at = T0 + 3 * DAY; /* after the factory pairing (T0 + 100) */

    OK(partcert_trust_store_clone(w.trust, &trust));
    OK(partcert_authority_key_id(w.line, revoked.key_id));
    revoked.since = leaked_at;
    OK(partcert_authority_revoke(w.root, 1, T0 + 4 * DAY, &revoked, 1, &revocation));
    OK(partcert_trust_store_apply_revocation_list(trust, bdata(revocation), blen(revocation),
                                                  &sequence));
    CHECK_RC(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_ISSUER_REVOKED);
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d), blen(w.record_d)));
    OK(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_issuer_revoked_since(verdict, &flag, &since));
    CHECK(flag && since == leaked_at);
    CHECK_CONTAINS(vstr(partcert_verdict_summary, verdict),
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
    const uint64_t imei[] = {IMEI_X};
    partcert_authority *bolt_root = make_manufacturer_root("Bolt root", "Bolt", 50);
    partcert_authority *refurb_root = make_manufacturer_root("Acme refurb root", "Acme", 53);
    partcert_bytes *bolt_line_cert = NULL, *bolt_board = NULL, *refurb_cert = NULL,
                   *refurb_line_cert = NULL, *out = NULL;
    partcert_authority *bolt_line =
        make_line(bolt_root, "Bolt line 1", 51, kinds, 2, "Bolt", 2, &bolt_line_cert);
    partcert_str bolt[] = {str_of("Bolt")}, acme[] = {str_of("Acme")};
    partcert_part_spec spec = {.kind = PARTCERT_PART_KIND_BOARD,
                               .manufacturer = "Bolt", .manufacturer_len = 4,
                               .model = "B1", .model_len = 2,
                               .serial = "BRD-B", .serial_len = 5,
                               .imeis = imei, .imei_count = 1};
    partcert_trust_store *trust = NULL;
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    uint8_t key[PARTCERT_PUBLIC_KEY_LEN], id[32];

    /* Acme's line may not certify a Bolt board, Acme's root not a line for Bolt. */
    CHECK_RC(partcert_authority_certify_part(w.line, &spec, 1, T0, YEARS(1), &out),
             PARTCERT_RESULT_MANUFACTURER_NOT_PERMITTED);
    key_of(52, key);
    CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, key, kinds, 2, bolt, 1, 9,
                                                    T0, YEARS(1), &out),
             PARTCERT_RESULT_MANUFACTURER_NOT_PERMITTED);
    CHECK(out == NULL);
    /* Acme's pairing service does not vouch for Bolt's handsets. */
    OK(partcert_authority_certify_part(bolt_line, &spec, 1, T0, YEARS(30), &bolt_board));
    CHECK_RC(partcert_authority_pair(w.pairing, bdata(bolt_board), blen(bolt_board), NULL, 0,
                                     1, PARTCERT_PAIRING_EVENT_FACTORY_BUILD, NOW, &out),
             PARTCERT_RESULT_FOREIGN_PAIRING_SERVICE);
    CHECK(out == NULL);

    /* Acme's line key certified again, by another root that also names
     * Acme: that certificate does not make the line's parts that root's. */
    OK(partcert_authority_certificate(refurb_root, &refurb_cert));
    OK(partcert_trust_store_clone(w.trust, &trust));
    OK(partcert_trust_store_add_manufacturer_root(trust, bdata(refurb_cert), blen(refurb_cert),
                                                  id));
    key_of(2, key);
    OK(partcert_authority_certify_part_issuer(refurb_root, "Acme line 3", 11, key, kinds, 2,
                                              acme, 1, 2, T0, YEARS(20), &refurb_line_cert));
    OK(partcert_part_evidence_new(bdata(w.screen_d), blen(w.screen_d), &evidence));
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(refurb_line_cert),
                                                    blen(refurb_line_cert)));
    CHECK_RC(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_ROOT_MISMATCH);
    CHECK(verdict == NULL);
    /* With its own line's certificate beside it, the part verifies. */
    OK(partcert_part_evidence_add_chain_certificate(evidence, bdata(w.line_cert),
                                                    blen(w.line_cert)));
    OK(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict));
    CHECK_STR(vstr(partcert_verdict_root_name, verdict), "Acme root");
    partcert_verdict_free(verdict);

    partcert_part_evidence_free(evidence);
    partcert_trust_store_free(trust);
    partcert_bytes_free(bolt_line_cert);
    partcert_bytes_free(bolt_board);
    partcert_bytes_free(refurb_cert);
    partcert_bytes_free(refurb_line_cert);
    partcert_authority_free(bolt_line);
    partcert_authority_free(bolt_root);
    partcert_authority_free(refurb_root);
}

/* A root revokes its factory line: its parts no longer verify. */
static void a_revoked_issuer_is_refused(void) {
    partcert_trust_store *trust = NULL;
    partcert_bytes *revocation = NULL, *older = NULL;
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    uint8_t line_id[32], key_id[32];
    uint64_t sequence = 0;
    size_t manufacturers = 0, blocklists = 0;

    OK(partcert_trust_store_new(&trust));
    OK(partcert_trust_store_add_manufacturer_root(trust, bdata(w.root_cert), blen(w.root_cert),
                                                  key_id));
    OK(partcert_trust_store_root_counts(trust, &manufacturers, &blocklists));
    CHECK(manufacturers == 1 && blocklists == 0);
    OK(partcert_authority_key_id(w.line, line_id));
    {
        partcert_revoked_key revoked;
        memcpy(revoked.key_id, line_id, 32);
        revoked.since = 0; /* from the beginning */
        OK(partcert_authority_revoke(w.root, 2, T0 + 5 * DAY, &revoked, 1, &revocation));
    }
    OK(partcert_authority_revoke(w.root, 1, T0 + 4 * DAY, NULL, 0, &older));
    OK(partcert_trust_store_apply_revocation_list(trust, bdata(revocation), blen(revocation),
                                                  &sequence));
    CHECK(sequence == 2);
    {
        uint8_t root_id[32];
        uint64_t since = 9, clock = 0;
        bool revoked = false;
        OK(partcert_authority_key_id(w.root, root_id));
        OK(partcert_trust_store_revoked_since(trust, root_id, line_id, &revoked, &since));
        CHECK(revoked && since == 0);
        OK(partcert_trust_store_revoked_since(trust, root_id, root_id, &revoked, &since));
        CHECK(!revoked && since == 0);
        /* The root's clock never runs behind its newest revocation list. */
        OK(partcert_trust_store_clock_for_root(trust, root_id, T0, &clock));
        CHECK(clock == T0 + 5 * DAY);
        OK(partcert_trust_store_clock_for_root(trust, line_id, T0, &clock));
        CHECK(clock == T0);
    }
    CHECK_RC(partcert_trust_store_apply_revocation_list(trust, bdata(older), blen(older),
                                                        &sequence),
             PARTCERT_RESULT_ROLLBACK);
    CHECK_RC(partcert_verify_part(trust, NULL, NULL, 0, evidence, NOW, &verdict),
             PARTCERT_RESULT_ISSUER_REVOKED);
    partcert_part_evidence_free(evidence);
    partcert_bytes_free(revocation);
    partcert_bytes_free(older);
    partcert_trust_store_free(trust);
}

/* Time is the caller's: too early, too late. */
static void validity_is_checked_at_the_time_given(void) {
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, T0 - 1, &verdict),
             PARTCERT_RESULT_NOT_YET_VALID);
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, YEARS(25), &verdict),
             PARTCERT_RESULT_EXPIRED);
    CHECK(verdict == NULL);
    partcert_part_evidence_free(evidence);
}

/* The small helpers. */
static void helpers(void) {
    uint64_t imei = 0;
    char name[32];
    size_t len = 0;
    partcert_object_type type = 0;
    uint8_t seed[32], again[32], key[32], id[32];
    partcert_role role = 0;
    const char *version = partcert_version();

    CHECK(version != NULL && strlen(version) > 0);
    CHECK_STR(version, "0.1.0");
    OK(partcert_imei_parse("356938035643809", 15, &imei));
    CHECK(imei == IMEI_A);
    OK(partcert_imei_with_check_digit(35693803564380ULL, &imei));
    CHECK(imei == IMEI_A);
    OK(partcert_part_kind_name(PARTCERT_PART_KIND_REAR_CAMERA, name, sizeof name, &len));
    CHECK_STR(name, "rear-camera");
    OK(partcert_part_kind_name(77, name, sizeof name, &len));
    CHECK_STR(name, "kind-77");
    OK(partcert_object_type_of(bdata(w.s2), blen(w.s2), &type));
    CHECK(type == PARTCERT_OBJECT_TYPE_BLOCKLIST_SNAPSHOT);
    OK(partcert_object_type_of(bdata(w.delta12), blen(w.delta12), &type));
    CHECK(type == PARTCERT_OBJECT_TYPE_BLOCKLIST_DELTA);
    OK(partcert_object_type_of(bdata(w.record_a), blen(w.record_a), &type));
    CHECK(type == PARTCERT_OBJECT_TYPE_PAIRING_RECORD);
    OK(partcert_object_type_of(bdata(w.root_cert), blen(w.root_cert), &type));
    CHECK(type == PARTCERT_OBJECT_TYPE_CERTIFICATE);
    OK(partcert_secret_key_generate(seed));
    OK(partcert_secret_key_generate(again));
    CHECK(memcmp(seed, again, 32) != 0);
    OK(partcert_public_key_from_seed(seed, key));
    OK(partcert_public_key_id(key, id));
    {
        /* A fresh root from a random key: its key id is the key's. */
        partcert_authority *root = NULL;
        uint8_t root_id[32];
        OK(partcert_authority_new_blocklist_root(seed, "Op", 2, T0, YEARS(1), &root));
        OK(partcert_authority_key_id(root, root_id));
        CHECK(memcmp(root_id, id, 32) == 0);
        OK(partcert_authority_role(root, &role));
        CHECK(role == PARTCERT_ROLE_BLOCKLIST_ROOT);
        partcert_authority_free(root);
    }
    OK(partcert_authority_role(w.line, &role));
    CHECK(role == PARTCERT_ROLE_PART_ISSUER);
    OK(partcert_result_name(PARTCERT_RESULT_ROLLBACK, name, sizeof name, &len));
    CHECK_STR(name, "Rollback");
    OK(partcert_result_message(PARTCERT_RESULT_OK, name, sizeof name, &len));
    CHECK_STR(name, "ok");
}

/* Blocklist entries, added one by one: a handset by IMEI, a single part. */
static void entries_one_by_one(void) {
    partcert_blocklist_entries *entries = NULL;
    partcert_bytes *snapshot = NULL;
    partcert_blocklist *blocklist = NULL;
    partcert_part_evidence *evidence = evidence_for(&w, w.screen_d);
    partcert_verdict *verdict = NULL;
    const partcert_blocklist_status *status = NULL;
    partcert_listing listing;
    uint8_t part_id[32];
    partcert_list_version version = {0, 0};
    size_t count = 0;

    OK(partcert_verify_part(w.trust, NULL, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_part_id(verdict, part_id));
    partcert_verdict_free(verdict);
    OK(partcert_blocklist_entries_new(&entries));
    OK(partcert_blocklist_entries_add_handset(entries, IMEI_A, PARTCERT_REASON_LOST,
                                              STOLEN_AT, PARTCERT_LISTING_STATUS_SUSPENDED));
    OK(partcert_blocklist_entries_add_part(entries, part_id, PARTCERT_REASON_FRAUD, STOLEN_AT,
                                           PARTCERT_LISTING_STATUS_FINAL, NULL));
    OK(partcert_blocklist_entries_count(entries, &count));
    CHECK(count == 2);
    /* The register's root may sign its own snapshots too, in any epoch. */
    OK(partcert_authority_publish_snapshot(w.register_root, 7, 5, S2_AT, S2_AT + LIST_LIFE,
                                           entries, &snapshot));
    OK(partcert_blocklist_new(&blocklist));
    OK(partcert_blocklist_apply_snapshot(blocklist, w.trust, bdata(snapshot), blen(snapshot),
                                         NOW, &version));
    CHECK(version.epoch == 7 && version.sequence == 5);
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_listing(status, 0, &listing));
    CHECK(listing.epoch == 7 && listing.sequence == 5);
    CHECK(listing.reason == PARTCERT_REASON_FRAUD);
    CHECK(!listing.has_handset);
    CHECK(listing.handset_imei == 0);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), unpaired, BLOCKED: fraud");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    /* The lost (suspended) handset's board. */
    evidence = evidence_for(&w, w.board_a);
    OK(partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict));
    OK(partcert_verdict_blocklist(verdict, &status));
    OK(partcert_blocklist_status_listing(status, 0, &listing));
    CHECK(listing.matched_kind == PARTCERT_BLOCK_KEY_KIND_IMEI);
    CHECK(listing.matched_imei == IMEI_A);
    CHECK(listing.status == PARTCERT_LISTING_STATUS_SUSPENDED);
    CHECK_STR(vstr(partcert_verdict_summary, verdict),
              "genuine (serial-only), unpaired, BLOCKED: lost (suspended)");
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
    partcert_bytes_free(snapshot);
    partcert_blocklist_entries_free(entries);
}

static int write_file(const char *dir, const char *name, const partcert_bytes *bytes) {
    char path[4096];
    FILE *file;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    file = fopen(path, "wb");
    if (file == NULL) return -1;
    if (fwrite(bdata(bytes), 1, blen(bytes), file) != blen(bytes)) {
        fclose(file);
        return -1;
    }
    return fclose(file);
}

/* Writes the story's objects as files for examples/c/verify_part.c. */
static const char *fixtures_dir;

static void write_fixtures(void) {
    CHECK(write_file(fixtures_dir, "acme-root.pcrt", w.root_cert) == 0);
    CHECK(write_file(fixtures_dir, "register-root.pcrt", w.register_cert) == 0);
    CHECK(write_file(fixtures_dir, "acme-line.pcrt", w.line_cert) == 0);
    CHECK(write_file(fixtures_dir, "blocklist.pcbl", w.s2) == 0);
    CHECK(write_file(fixtures_dir, "stolen-screen.pcrt", w.screen_a) == 0);
    CHECK(write_file(fixtures_dir, "stolen-board.pcrt", w.board_a) == 0);
    CHECK(write_file(fixtures_dir, "donor-screen.pcrt", w.screen_d) == 0);
    CHECK(write_file(fixtures_dir, "donor-pairing.pcpr", w.record_d) == 0);
    CHECK(write_file(fixtures_dir, "blocklist-old.pcbl", w.s1) == 0);
    CHECK(write_file(fixtures_dir, "battery.pcrt", w.battery_a) == 0);
    {
        partcert_bytes *fake_line_cert = NULL, *fake_screen = NULL;
        make_counterfeit(&fake_line_cert, &fake_screen);
        CHECK(write_file(fixtures_dir, "counterfeit-line.pcrt", fake_line_cert) == 0);
        CHECK(write_file(fixtures_dir, "counterfeit-screen.pcrt", fake_screen) == 0);
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
        OK(partcert_challenge_generate(nonce));
        seed_of(seed, BATTERY_SEED);
        OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                      &response));
        CHECK(write_file(fixtures_dir, "battery.response", response) == 0);
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
    RUN(harvested_screen_with_a_foreign_record_is_refused);
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
    RUN(helpers);
    RUN(entries_one_by_one);
    if (argc > 1) {
        fixtures_dir = argv[1];
        RUN(write_fixtures);
    }
    world_free(&w);
    return h_finish("test_story");
}
